-- get.lua — GET one path, optionally logged in: the nginx baseline, the
-- cadre's work list (b) and the heaviest township page (d).
--   wrk -s bench/wrk/get.lua URL -- PATH [COOKIE]
-- The request is built once (no Lua per request), as for nginx.
local report = dofile("bench/wrk/report.lua")

function init(args)
  if args[1] then wrk.path = args[1] end
  if args[2] and args[2] ~= "" then wrk.headers["Cookie"] = args[2] end
end

done = report.done
