-- intake.lua — (c) public intake: POST /api/v1/public/appeals (one case, its
-- timeline entry and its audit entry in one transaction per request).
--   wrk -s bench/wrk/intake.lua URL -- VILLAGE[,VILLAGE...]
-- The server must run with a raised --public-rate (all requests come from 127.0.0.1).
local report = dofile("bench/wrk/report.lua")
local bodies = {}
local kinds = { "village", "neighbour", "family" }
local texts = {
  "二组到村委会的路灯坏了，晚上走路不安全。",
  "村口垃圾收集点清运不及时，有异味。",
  "邻居家新砌的围墙占了排水沟，下雨就积水。",
  "独居老人冬季取暖用煤不足，需要帮扶。",
}
local i = 0

function init(args)
  local villages = {}
  for v in (args[1] or "renhe"):gmatch("[^,]+") do villages[#villages + 1] = v end
  for k = 1, 64 do
    bodies[k] = string.format('{"village":"%s","kind":"%s","content":"%s（压测 %d）","place":"%d组","name":"测试","phone":"13800000000"}',
      villages[(k - 1) % #villages + 1], kinds[(k - 1) % 3 + 1], texts[(k - 1) % #texts + 1], k, k % 9 + 1)
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/public/appeals", nil, bodies[i])
end

done = report.done
