-- mixed.lua — the soak test's traffic (bench/soak.sh): what a county's
-- villagers and cadres do at once.
--   wrk -s bench/wrk/mixed.lua URL -- CODES_FILE CADRE_COOKIE TOWNSHIP_COOKIE
--   55 %  public tracking of a random case      GET /api/v1/public/appeals/{n}?code=
--   15 %  a village cadre's work list            GET /appeals
--    8 %  a township administrator's list, page 1-5   GET /appeals?page=
--    7 %  a case page (township administrator)  GET /appeals/{n}
--    7 %  a village's public page               GET /v/{code}
--    4 %  the home page                         GET /
--    3 %  the monthly talk-day report           GET /v/{code}/shuoshi
--   1 in 300  a public intake                   POST /api/v1/public/appeals
-- (intake is kept rare: case numbers are per day, at most 99,999 a day)
local report = dofile("bench/wrk/report.lua")
local track, villages, towncases = {}, {}, {}
local demo = { renhe = 1, yinxing = 1, dashan = 1, gaoping = 1, baiyang = 1, shimen = 1, xinzhuang = 1, miaoping = 1 }
local cadre, town
local n = 0

function init(args)
  local seen = {}
  for line in io.lines(args[1]) do
    local number, code, village = line:match("^(%S+) (%S+) (%S+)")
    if number then
      track[#track + 1] = "/api/v1/public/appeals/" .. number .. "?code=" .. code
      if not seen[village] then seen[village] = true; villages[#villages + 1] = village end
      if demo[village] then towncases[#towncases + 1] = "/appeals/" .. number end
    end
  end
  cadre = { Cookie = args[2] }
  town = { Cookie = args[3] }
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  n = n + 1
  if n % 300 == 0 then
    local body = string.format('{"village":"%s","kind":"village","content":"浸泡测试：村口路灯不亮（%d）","place":"一组"}',
      villages[math.random(#villages)], n)
    return wrk.format("POST", "/api/v1/public/appeals", { ["Content-Type"] = "application/json" }, body)
  end
  local r = math.random(100)
  if r <= 55 then return wrk.format("GET", track[math.random(#track)]) end
  if r <= 70 then return wrk.format("GET", "/appeals", cadre) end
  if r <= 78 then return wrk.format("GET", "/appeals?page=" .. math.random(5), town) end
  if r <= 85 and #towncases > 0 then return wrk.format("GET", towncases[math.random(#towncases)], town) end
  if r <= 92 then return wrk.format("GET", "/v/" .. villages[math.random(#villages)]) end
  if r <= 96 then return wrk.format("GET", "/") end
  return wrk.format("GET", "/v/renhe/shuoshi", town)
end

done = report.done
