-- scripts/bench/queries.lua: wrk script of scripts/bench/catalog; every request is a
-- different GET /products URL, the k-th of a thread being query number
-- (k * threads + thread) * 104729 mod N (a permutation of 0..N-1; 104729 is prime
-- and does not divide N), so no two requests of a run ask for the same URL.
--   wrk -s queries.lua URL -- MODE THREADS START [REQUESTS]
-- START shifts the sequence, so that a measured run does not repeat its warm-up's URLs.
-- MODE cold: distinct valid queries (sort, category, search, limit 1-100, offset 0-49).
-- MODE bust: MODE cold's queries plus a parameter x=k that the route ignores; each
--   thread stops after REQUESTS / THREADS requests (wrk itself runs for its -d).
local sorts = { "newest", "oldest", "asc", "desc" }
local categories = { "", "", "", "bench", "t-shirts", "jackets", "accessories" }
local searches = { "", "", "product", "bench", "e", "a", "o", "shirt" }
local space = #sorts * #categories * #searches * 100 * 50

local next_thread = 0
function setup(thread)
   thread:set("thread_no", next_thread)
   next_thread = next_thread + 1
end

local mode, threads, start, quota, count = "cold", 1, 0, nil, 0
function init(args)
   mode = args[1] or "cold"
   threads = tonumber(args[2]) or 1
   start = tonumber(args[3]) or 0
   if args[4] then quota = math.ceil(tonumber(args[4]) / threads) end
end

local function pick(list, q)
   local n = #list
   return list[q % n + 1], math.floor(q / n)
end

local function query(k)
   local q = (k * 104729) % space
   local sort, category, search, limit
   sort, q = pick(sorts, q)
   category, q = pick(categories, q)
   search, q = pick(searches, q)
   limit, q = q % 100 + 1, math.floor(q / 100)
   local path = "/products?sort=" .. sort .. "&limit=" .. limit .. "&offset=" .. q % 50
   if category ~= "" then path = path .. "&category=" .. category end
   if search ~= "" then path = path .. "&search=" .. search end
   return path
end

function request()
   local k = start + count * threads + thread_no
   count = count + 1
   local path = query(k % space)
   if mode == "bust" then path = path .. "&x=" .. k end
   return wrk.format("GET", path)
end

function response(status, headers, body)
   if quota and count >= quota then wrk.thread:stop() end
end
