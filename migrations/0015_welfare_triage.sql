-- A welfare check whose building is not in the grid waits for sorting (待分拣) in the area
-- the request came from, or the subdistrict its address most likely lies in: only that
-- area's staff see it and may close it.
ALTER TABLE welfare_checks ADD COLUMN area_id INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL;
