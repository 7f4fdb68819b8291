-- A loaded city for the benchmark suite (server/examples/suite.rs): people, orders and an
-- election in the generated subdistrict 压测街道 (seeds/generate-city.sql), so that every
-- page and write is measured against a year of a large street's records.
--
-- Run it after seeds/generate-city.sql on a database that the server has migrated and
-- seeded (start the server on it once), e.g. with sqlx::raw_sql as suite does, or with the
-- sqlite3 shell:
--
--   sqlite3 data/gridstation.db < seeds/generate-city.sql
--   sqlite3 data/gridstation.db < seeds/generate-load.sql
--
-- It adds, all inside 压测街道 (code 320602099):
--
--   residents  every household gets as many people as its `members` says (1–4; the one
--              resident generate-city.sql put in each micro-grid counts), about 179,000
--              more people, so about 189,000 residents in all
--   accounts   every 5th new resident has an account (phones 135xxxxxxxx, in order) with
--              the demo password (the hash of 13800000005, as generate-city.sql) and a
--              resident role on their micro-grid: about 35,800 accounts
--   volunteers the first two account holders of every grid (网格) are also volunteers: a
--              volunteer role on their micro-grid, a profile serving it, two skills;
--              1,000 volunteers, 50 per community, numbered 0..49 inside it
--   orders     10,000 open orders placed by residents with accounts (never volunteers):
--              every 4th in 压测社区01 (2,500) and the rest spread over all 20 communities,
--              so 压测社区01's board holds about 2,875; every 7th is urgent; urgent ones
--              were placed in the last 15 minutes and normal ones in the last 20 hours, so
--              the server's escalation task (30 and 1440 minutes) leaves them alone,
--              except every 50th, placed two days ago and already escalated (timeout)
--   finished   50,000 completed orders placed one every 311 seconds over the 180 days before
--              the last day (so every step lies in the past), each taken by
--              a volunteer of the requester's community (volunteer n % 50), started,
--              finished (30–135 minutes of service) and confirmed with a rating (1 in 10
--              three stars, 3 in 10 four, the rest five), like the app's life cycle
--              (open → taken → in_service → awaiting_confirmation → completed, version 5)
--   events     order_events for every new order: placed, and for finished orders each step
--   election   压测街道志愿服务之星评选: scope 压测街道, voting opened a day ago and closes in
--              six days (stars 10, 10 votes per voter, live tally), with 200 approved
--              candidates (volunteers 0..9 of every community); every resident account of
--              the street may vote (a resident role inside the scope)
--
-- It is one transaction, takes a few seconds and refuses to run twice (people.phone is
-- unique). Nothing is ANALYZEd: the server never does either. Times are relative to now.

BEGIN IMMEDIATE;

CREATE TEMP TABLE load_now AS SELECT unixepoch() AS t;

CREATE TEMP TABLE load_sections (i INTEGER PRIMARY KEY, section TEXT NOT NULL);
INSERT INTO load_sections VALUES (0, 'daily_life'), (1, 'health'), (2, 'policy'), (3, 'assistance'), (4, 'environment');

-- Four titles per section, as residents write them.
CREATE TEMP TABLE load_titles (section INTEGER, variant INTEGER, title TEXT, PRIMARY KEY (section, variant));
INSERT INTO load_titles VALUES
    (0, 0, '帮忙买菜送上楼'), (0, 1, '快递太重，帮忙搬上五楼'), (0, 2, '厨房水龙头漏水'), (0, 3, '楼道灯泡坏了帮忙换一下'),
    (1, 0, '陪同去医院复诊'), (1, 1, '帮忙代取降压药'), (1, 2, '上门测量血压血糖'), (1, 3, '术后康复陪护半天'),
    (2, 0, '咨询医保异地报销'), (2, 1, '帮忙办理居住证'), (2, 2, '高龄津贴怎么申请'), (2, 3, '老旧小区加装电梯政策'),
    (3, 0, '独居老人上门探访'), (3, 1, '轮椅出行需要帮扶'), (3, 2, '帮忙代缴水电燃气费'), (3, 3, '教老人用手机挂号'),
    (4, 0, '清理楼道堆放杂物'), (4, 1, '小区绿化带需要修剪'), (4, 2, '单元门口小广告清理'), (4, 3, '垃圾分类上门指导');

-- Every household of 压测街道 with its place and how many people it already has.
CREATE TEMP TABLE load_households AS
SELECT h.id AS household, h.members, h.over_sixty, b.id AS building, m.id AS micro_grid,
       (SELECT count(*) FROM people p WHERE p.household_id = h.id) AS present
FROM households h
JOIN grid_nodes u ON u.id = h.node_id
JOIN grid_nodes b ON b.id = u.parent_id
JOIN grid_nodes m ON m.id = b.parent_id
WHERE u.level = 'unit' AND u.code GLOB '320602099*';

-- Residents: person k (counting from 1 over the street) decides their own name and phone.
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 4),
new AS (
    SELECT lh.household, lh.building, lh.micro_grid, seq.n AS slot,
           seq.n <= lh.over_sixty AS elder,
           (row_number() OVER (ORDER BY lh.household, seq.n)) AS k
    FROM load_households lh JOIN seq ON seq.n <= lh.members - lh.present
)
INSERT INTO people (full_name, phone, gender, birth_year, household_id, micro_grid_id, building_id, party_member)
SELECT substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐', k % 25 + 1, 1)
           || substr('子家佳思若雨欣浩宇俊晓建秀国桂志玉海春德淑明丽小文', (k / 25) % 25 + 1, 1)
           || substr('华英军兰平芳强敏林娟峰霞刚燕东琴杰梅斌云涛红伟静鹏', (k / 625) % 25 + 1, 1),
       CASE WHEN k % 5 = 0 THEN printf('135%08d', k / 5) END,
       CASE WHEN k % 2 = 0 THEN 'female' ELSE 'male' END,
       CASE WHEN elder THEN 1935 + k % 28 ELSE 1964 + k % 56 END,
       household, micro_grid, building,
       CASE WHEN k % 13 = 0 THEN 1 ELSE 0 END
FROM new
ORDER BY k;

-- Residents filling households, as grid staff placed them: verified voters.
INSERT INTO accounts (person_id, phone, password_hash, verified_at)
SELECT p.id, p.phone, (SELECT password_hash FROM accounts WHERE phone = '13800000005'),
       CASE WHEN p.household_id IS NULL THEN NULL ELSE unixepoch() END
FROM people p
WHERE p.phone GLOB '135*'
ORDER BY p.id;

INSERT INTO role_assignments (account_id, role, node_id)
SELECT a.id, 'resident', p.micro_grid_id
FROM accounts a JOIN people p ON p.id = a.person_id
WHERE a.phone GLOB '135*'
ORDER BY a.id;

-- Account holders with their place: community = the first 12 digits of the code.
CREATE TEMP TABLE load_holders AS
SELECT p.id AS person, a.id AS account, p.micro_grid_id AS micro_grid, p.building_id AS building,
       h.room, p.phone, substr(m.code, 1, 12) AS community, substr(m.code, 1, 15) AS grid
FROM accounts a
JOIN people p ON p.id = a.person_id
JOIN households h ON h.id = p.household_id
JOIN grid_nodes m ON m.id = p.micro_grid_id
WHERE a.phone GLOB '135*';

-- Volunteers: the first two account holders of every grid, j = 0..49 inside their community.
CREATE TEMP TABLE load_volunteers AS
SELECT person, account, micro_grid, community,
       (row_number() OVER (PARTITION BY community ORDER BY person)) - 1 AS j
FROM (
    SELECT person, account, micro_grid, community,
           row_number() OVER (PARTITION BY grid ORDER BY person) AS r
    FROM load_holders
)
WHERE r <= 2;
CREATE UNIQUE INDEX temp.load_volunteers_slot ON load_volunteers (community, j);

INSERT INTO role_assignments (account_id, role, node_id)
SELECT account, 'volunteer', micro_grid FROM load_volunteers ORDER BY person;

INSERT INTO volunteer_profiles (person_id, service_node_id, availability, intro)
SELECT person, micro_grid, (person * 7919) % 2097152, '社区志愿者，住在本网格，有空就来帮忙。'
FROM load_volunteers
ORDER BY person;

INSERT INTO volunteer_skills (person_id, section)
SELECT v.person, s.section
FROM load_volunteers v JOIN load_sections s ON s.i IN (v.person % 5, (v.person + 2) % 5)
ORDER BY v.person, s.i;

-- Requesters: account holders who are not volunteers, i = 0.. in community order.
CREATE TEMP TABLE load_requesters AS
SELECT (row_number() OVER (ORDER BY community, person)) - 1 AS i, person, account, micro_grid, building, room, phone,
       community
FROM load_holders
WHERE person NOT IN (SELECT person FROM load_volunteers);
CREATE UNIQUE INDEX temp.load_requesters_i ON load_requesters (i);

CREATE TEMP TABLE load_counts AS
SELECT (SELECT count(*) FROM load_requesters) AS requesters,
       (SELECT count(*) FROM load_requesters WHERE community = '320602099001') AS first_community,
       (SELECT coalesce(max(id), 0) FROM service_orders) AS last_order;

-- 10,000 open orders, n = 0..9999.
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 9999),
picks AS (
    SELECT n,
           CASE WHEN n % 4 = 0 THEN (n / 4 * 13) % c.first_community ELSE (n * 7919) % c.requesters END AS i,
           CASE WHEN n % 50 = 0 THEN l.t - 172800 - n * 7
                WHEN n % 7 = 0 THEN l.t - n % 900
                ELSE l.t - (n * 37) % 72000 END AS placed
    FROM seq, load_counts c, load_now l
)
INSERT INTO service_orders (requester_id, placed_by, section, title, description, urgency, micro_grid_id, building_id,
                            room, contact_phone, escalated_at, escalation_reason, created_at, updated_at)
SELECT r.person, r.account, s.section, t.title, CASE WHEN p.n % 3 = 0 THEN '下午两点以后家里有人' ELSE '' END,
       CASE WHEN p.n % 7 = 0 THEN 'urgent' ELSE 'normal' END,
       r.micro_grid, r.building, r.room, r.phone,
       CASE WHEN p.n % 50 = 0 THEN p.placed + 86400 END,
       CASE WHEN p.n % 50 = 0 THEN 'timeout' END,
       p.placed, CASE WHEN p.n % 50 = 0 THEN p.placed + 86400 ELSE p.placed END
FROM picks p
JOIN load_requesters r ON r.i = p.i
JOIN load_sections s ON s.i = p.n % 5
JOIN load_titles t ON t.section = s.i AND t.variant = (p.n / 5) % 4
ORDER BY p.placed, p.n;

INSERT INTO order_events (order_id, from_status, to_status, actor_id, at)
SELECT o.id, NULL, 'open', o.placed_by, o.created_at
FROM service_orders o
WHERE o.id > (SELECT last_order FROM load_counts)
ORDER BY o.id;

UPDATE load_counts SET last_order = (SELECT max(id) FROM service_orders);

-- 50,000 completed orders, n = 0..49999, oldest first: the last placed a day ago, confirmed
-- less than five hours later.
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 49999),
picks AS (
    SELECT n, (n * 104729) % c.requesters AS i, l.t - 15638400 + n * 311 AS placed,
           600 + (n % 50) * 60 AS wait, 30 + (n % 8) * 15 AS minutes
    FROM seq, load_counts c, load_now l
)
INSERT INTO service_orders (requester_id, placed_by, section, title, urgency, micro_grid_id, building_id, room,
                            contact_phone, status, taker_id, minutes_spent, rating, rating_comment, version,
                            created_at, taken_at, started_at, finished_at, confirmed_at, updated_at)
SELECT r.person, r.account, s.section, t.title, CASE WHEN p.n % 7 = 0 THEN 'urgent' ELSE 'normal' END,
       r.micro_grid, r.building, r.room, r.phone, 'completed', v.person, p.minutes,
       CASE WHEN p.n % 10 = 0 THEN 3 WHEN p.n % 10 <= 3 THEN 4 ELSE 5 END,
       CASE WHEN p.n % 4 = 0 THEN '很及时，谢谢志愿者！' ELSE '' END,
       5,
       p.placed, p.placed + p.wait, p.placed + p.wait + 1800, p.placed + p.wait + 1800 + p.minutes * 60,
       p.placed + p.wait + 1800 + p.minutes * 60 + 3600, p.placed + p.wait + 1800 + p.minutes * 60 + 3600
FROM picks p
JOIN load_requesters r ON r.i = p.i
JOIN load_volunteers v ON v.community = r.community AND v.j = p.n % 50
JOIN load_sections s ON s.i = p.n % 5
JOIN load_titles t ON t.section = s.i AND t.variant = (p.n / 5) % 4
ORDER BY p.n;

-- Each step of the life cycle, by whoever took it.
WITH steps(step, from_status, to_status) AS (
    VALUES (0, NULL, 'open'), (1, 'open', 'taken'), (2, 'taken', 'in_service'),
           (3, 'in_service', 'awaiting_confirmation'), (4, 'awaiting_confirmation', 'completed')
)
INSERT INTO order_events (order_id, from_status, to_status, actor_id, at)
SELECT o.id, s.from_status, s.to_status,
       CASE WHEN s.step IN (1, 2, 3) THEN (SELECT a.id FROM accounts a WHERE a.person_id = o.taker_id) ELSE o.placed_by END,
       CASE s.step WHEN 0 THEN o.created_at WHEN 1 THEN o.taken_at WHEN 2 THEN o.started_at
                   WHEN 3 THEN o.finished_at ELSE o.confirmed_at END
FROM service_orders o, steps s
WHERE o.id > (SELECT last_order FROM load_counts)
ORDER BY o.id, s.step;

-- The election, run by the first generated subdistrict admin (13900000000).
INSERT INTO star_elections (title, scope_node_id, stars, votes_per_voter, nomination_start, nomination_end,
                            voting_start, voting_end, notice_end, live_tally, min_service_hours, created_by)
SELECT '压测街道志愿服务之星评选', g.id, 10, 10, l.t - 20 * 86400, l.t - 2 * 86400, l.t - 86400, l.t + 6 * 86400,
       l.t + 13 * 86400, 1, 0, (SELECT id FROM accounts WHERE phone = '13900000000')
FROM grid_nodes g, load_now l
WHERE g.code = '320602099';

INSERT INTO nominations (election_id, person_id, nominated_by, intro, status, decided_by, decided_at, created_at)
SELECT e.id, v.person, a.id, '热心服务邻里，常年帮助独居老人和困难家庭。', 'approved', a.id, l.t - 2 * 86400,
       l.t - 15 * 86400 + v.j * 3600
FROM load_volunteers v, load_now l
JOIN star_elections e ON e.title = '压测街道志愿服务之星评选'
JOIN accounts a ON a.phone = '13900000000'
WHERE v.j < 10
ORDER BY v.community, v.j;

DROP TABLE load_now;
DROP TABLE load_sections;
DROP TABLE load_titles;
DROP TABLE load_households;
DROP TABLE load_holders;
DROP TABLE load_volunteers;
DROP TABLE load_requesters;
DROP TABLE load_counts;

COMMIT;
