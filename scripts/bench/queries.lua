-- scripts/bench/queries.lua: wrk script of scripts/bench/catalog; every request is a
-- different GET /products URL, the k-th of a thread being query number
-- (k * threads + thread) * 104729 mod N (a permutation of 0..N-1; 104729 is prime
-- and does not divide N), so no two requests of a run ask for the same URL.
--   wrk -s queries.lua URL -- MODE THREADS START [REQUESTS]
-- START shifts the sequence, so that a measured run does not repeat its warm-up's URLs.
-- MODE cold: distinct valid queries (sort, category, search, limit 1-100, offset 0-49) of
--   PATH/products for the command line's URL/PATH (the gateway's /api, or none).
-- MODE bust: every other request one of 500 of MODE cold's queries (cached after their
--   first time), the others MODE cold's distinct queries; each with a parameter x=k that the route
--   ignores; each thread stops after REQUESTS / THREADS requests (wrk itself runs for its -d).
-- MODE page (wrk -s queries.lua URL/PATH?QUERY -- page THREADS START FROM SPAN): PATH?QUERY
--   with limit 1-100 and offset FROM to FROM+SPAN-1 (100 * SPAN distinct queries).
-- MODE rare (URL/PATH?QUERY -- rare THREADS START): PATH?QUERY with search= one of the 1,728
--   makers of scripts/bench/products.py (each in ~60 of 100,000 names), any sort, limit 1-100.
local sorts = { "newest", "oldest", "asc", "desc" }
local categories = { "", "", "", "t-shirts", "jackets", "accessories", "shoes" }
local searches = { "", "", "classic", "tee", "e", "a", "o", "shirt" }
local cold_space = #sorts * #categories * #searches * 100 * 50
local space = cold_space

local next_thread = 0
function setup(thread)
   thread:set("thread_no", next_thread)
   next_thread = next_thread + 1
end

local syllables = { "ka", "ri", "mo", "ze", "lu", "na", "to", "vi", "sa", "de", "po", "xu" }

local mode, threads, start, quota, count = "cold", 1, 0, nil, 0
local from, span = 0, 1
function init(args)
   mode = args[1] or "cold"
   threads = tonumber(args[2]) or 1
   start = tonumber(args[3]) or 0
   if mode == "page" then
      from, span = tonumber(args[4]), tonumber(args[5])
      space = 100 * span
   elseif mode == "rare" then
      space = #sorts * 100 * #syllables * #syllables * #syllables
   elseif args[4] then
      quota = math.ceil(tonumber(args[4]) / threads)
   end
end

local function pick(list, q)
   local n = #list
   return list[q % n + 1], math.floor(q / n)
end

local function query(k)
   local q = (k * 104729) % cold_space
   local sort, category, search, limit
   sort, q = pick(sorts, q)
   category, q = pick(categories, q)
   search, q = pick(searches, q)
   limit, q = q % 100 + 1, math.floor(q / 100)
   local path = wrk.path:gsub("/$", "") .. "/products?sort=" .. sort .. "&limit=" .. limit .. "&offset=" .. q % 50
   if category ~= "" then path = path .. "&category=" .. category end
   if search ~= "" then path = path .. "&search=" .. search end
   return path
end

-- MODE page's and MODE rare's query number q, on the path of the command line's URL
local function page(q)
   return wrk.path .. "&limit=" .. q % 100 + 1 .. "&offset=" .. from + math.floor(q / 100)
end

local function rare(q)
   local sort, maker = pick(sorts, q)
   local limit, m = maker % 100 + 1, math.floor(maker / 100)
   local word = ""
   for _ = 1, 3 do
      word = word .. syllables[m % #syllables + 1]
      m = math.floor(m / #syllables)
   end
   return wrk.path .. "&sort=" .. sort .. "&limit=" .. limit .. "&search=" .. word
end

function request()
   local k = start + count * threads + thread_no
   local q = (k * 104729) % space
   local path
   count = count + 1
   if mode == "page" then path = page(q)
   elseif mode == "rare" then path = rare(q)
   elseif mode == "bust" then path = query(k % 2 == 0 and k % 1000 or k % space) .. "&x=" .. k
   else path = query(k % space) end
   return wrk.format("GET", path)
end

function response(status, headers, body)
   if quota and count >= quota then wrk.thread:stop() end
end
