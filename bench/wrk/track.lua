-- track.lua — (a) public case tracking: GET /api/v1/public/appeals/{number}?code=
-- for a random case of the benchmark data.
--   wrk -s bench/wrk/track.lua URL -- CODES_FILE
-- CODES_FILE holds "NUMBER CODE VILLAGE" lines (zhendi bench-data --codes).
local report = dofile("bench/wrk/report.lua")
local paths = {}

function init(args)
  local f = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in f:lines() do
    local number, code = line:match("^(%S+) (%S+)")
    if number then paths[#paths + 1] = "/api/v1/public/appeals/" .. number .. "?code=" .. code end
  end
  f:close()
  assert(#paths > 0, "no cases in " .. args[1])
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

done = report.done
