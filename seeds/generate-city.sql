-- A generated city for the grid editor benchmark (server/examples/grid_bench.rs).
--
-- Adds ONE subdistrict, 压测街道 (code 320602099), to a migrated database that already holds
-- the demo city, with the same shape and code scheme as the demo (app/src/domain/grid.rs):
--
--   1 subdistrict 压测街道            code 320602099                (9 digits)
--   20 communities 压测社区01..20     + 3 digits  (sort_order = sequence)
--   500 grids, 25 per community       + 3 digits  名称 压测社区07第13网格
--   10,000 micro-grids, 20 per grid   + 2 digits  名称 微网格01..微网格20
--   20,000 buildings, 2 per micro-grid + 3 digits 名称 1号楼, 2号楼
--   20,000 units, 1 per building      + 2 digits  名称 1单元
--   80,000 households, 4 per unit (rooms 101, 102, 201, 202): every 5th has someone over
--          sixty, every 11th is an elder living alone
--   500 stations (驿站), one per grid; community_settings for each community
--   10,000 residents without accounts, one per micro-grid (in its 1号楼), every 4th with an
--          elder profile (every 8th living alone)
--   50 subdistrict admins of 压测街道 (压测管理员01..50), phones 13900000000..13900000049,
--          sharing the password hash of the demo account 13800000005, so they sign in with
--          the demo password (seeds/demo-city.json "password", i.e. gridstation)
--
-- Run it once on a database that the server has migrated and seeded (start the server on
-- it once), e.g. with sqlx::raw_sql(include_str!("../../seeds/generate-city.sql")) as
-- grid_bench does, or with the sqlite3 shell:
--
--   sqlite3 data/gridstation.db < seeds/generate-city.sql
--
-- It takes a few seconds. It is one transaction and refuses to run twice (grid_nodes.code
-- is unique). Nothing is ANALYZEd: the server never does either.

BEGIN IMMEDIATE;

INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
VALUES (NULL, 'subdistrict', '320602099', '压测街道', 99);

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 20)
INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
SELECT s.id, 'community', s.code || printf('%03d', seq.n), printf('压测社区%02d', seq.n), seq.n
FROM grid_nodes s, seq
WHERE s.code = '320602099'
ORDER BY seq.n;

INSERT INTO community_settings (node_id)
SELECT id FROM grid_nodes WHERE level = 'community' AND code GLOB '320602099*';

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 25)
INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
SELECT c.id, 'grid', c.code || printf('%03d', seq.n), c.name || printf('第%02d网格', seq.n), seq.n
FROM grid_nodes c, seq
WHERE c.level = 'community' AND c.code GLOB '320602099*'
ORDER BY c.code, seq.n;

INSERT INTO stations (node_id, name, address, open_hours)
SELECT g.id, g.name || '服务驿站', g.name || '党群服务中心一楼', '每天 8:30–17:30'
FROM grid_nodes g
WHERE g.level = 'grid' AND g.code GLOB '320602099*'
ORDER BY g.code;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 20)
INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
SELECT g.id, 'micro_grid', g.code || printf('%02d', seq.n), printf('微网格%02d', seq.n), seq.n
FROM grid_nodes g, seq
WHERE g.level = 'grid' AND g.code GLOB '320602099*'
ORDER BY g.code, seq.n;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2)
INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
SELECT m.id, 'building', m.code || printf('%03d', seq.n), seq.n || '号楼', seq.n
FROM grid_nodes m, seq
WHERE m.level = 'micro_grid' AND m.code GLOB '320602099*'
ORDER BY m.code, seq.n;

INSERT INTO grid_nodes (parent_id, level, code, name, sort_order)
SELECT b.id, 'unit', b.code || '01', '1单元', 1
FROM grid_nodes b
WHERE b.level = 'building' AND b.code GLOB '320602099*'
ORDER BY b.code;

-- Household k (counting from 1 over the whole subdistrict) decides its own numbers.
WITH RECURSIVE seq(n, room) AS (
    SELECT 1, '101' UNION ALL SELECT 2, '102' UNION ALL SELECT 3, '201' UNION ALL SELECT 4, '202'
),
slots AS (
    SELECT u.id AS unit, seq.room, (row_number() OVER (ORDER BY u.code, seq.n)) AS k
    FROM grid_nodes u, seq
    WHERE u.level = 'unit' AND u.code GLOB '320602099*'
)
INSERT INTO households (node_id, room, members, over_sixty, living_alone)
SELECT unit, room,
       CASE WHEN k % 11 = 0 THEN 1 ELSE 1 + k % 4 END,
       CASE WHEN k % 5 = 0 OR k % 11 = 0 THEN 1 ELSE 0 END,
       CASE WHEN k % 11 = 0 THEN 1 ELSE 0 END
FROM slots
ORDER BY k;

-- One resident per micro-grid, living in the first household of its 1号楼.
WITH residents AS (
    SELECT m.id AS micro_grid, b.id AS building,
           (SELECT min(h.id) FROM households h JOIN grid_nodes u ON u.id = h.node_id WHERE u.parent_id = b.id)
               AS household,
           (row_number() OVER (ORDER BY m.code)) AS k
    FROM grid_nodes m JOIN grid_nodes b ON b.parent_id = m.id AND b.sort_order = 1
    WHERE m.level = 'micro_grid' AND m.code GLOB '320602099*'
)
INSERT INTO people (full_name, gender, birth_year, household_id, micro_grid_id, building_id, party_member)
SELECT substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗', k % 20 + 1, 1)
           || substr('建秀国桂志玉海春德淑明丽小红文凤永英振玲', (k / 20) % 20 + 1, 1)
           || substr('华英军兰平芳强敏林娟峰霞刚燕东琴杰梅斌云', (k / 400) % 20 + 1, 1),
       CASE WHEN k % 2 = 0 THEN 'female' ELSE 'male' END,
       1940 + k % 60,
       household, micro_grid, building,
       CASE WHEN k % 9 = 0 THEN 1 ELSE 0 END
FROM residents
ORDER BY k;

INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone)
SELECT p.id, p.micro_grid_id, CASE WHEN p.id % 8 = 0 THEN 1 ELSE 0 END
FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
WHERE m.code GLOB '320602099*' AND p.id % 4 = 0;

-- 50 admins of the whole subdistrict, with the demo password.
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50)
INSERT INTO people (full_name, phone, gender, birth_year)
SELECT printf('压测管理员%02d', n), printf('139%08d', n - 1), CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END, 1980
FROM seq;

INSERT INTO accounts (person_id, phone, password_hash)
SELECT p.id, p.phone, (SELECT password_hash FROM accounts WHERE phone = '13800000005')
FROM people p
WHERE p.phone BETWEEN '13900000000' AND '13900000049'
ORDER BY p.phone;

INSERT INTO role_assignments (account_id, role, node_id)
SELECT a.id, 'subdistrict_admin', (SELECT id FROM grid_nodes WHERE code = '320602099')
FROM accounts a
WHERE a.phone BETWEEN '13900000000' AND '13900000049'
ORDER BY a.phone;

COMMIT;
