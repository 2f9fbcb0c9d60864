#!/usr/bin/env bash
# Creates the `bench40` PostgreSQL database of docs/BENCHMARKS.md ("A 40-table database"):
# 40 tables of 10 columns and 5,000 rows each. Needs psql and a server at 127.0.0.1:5432
# that trusts the `postgres` user.
set -euo pipefail
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS bench40" -c "CREATE DATABASE bench40"
for i in $(seq -w 0 39); do
  cat <<SQL
CREATE TABLE t$i (id serial primary key, email text, full_name text, phone text, ssn text,
  city text, amount numeric(10,2), created_at timestamp, note text, sku text);
INSERT INTO t$i (email, full_name, phone, ssn, city, amount, created_at, note, sku)
SELECT 'user'||g||'@example$i.com',
  (ARRAY['Alice','Bob','Carla','Dmitri','Eve','Farid'])[1+g%6]||' '||(ARRAY['Smith','Jones','Garcia','Nguyen','Okafor'])[1+g%5],
  '+1 415 555 '||lpad((g%10000)::text,4,'0'),
  lpad((100+g%600)::text,3,'0')||'-'||lpad((10+g%89)::text,2,'0')||'-'||lpad((1000+g%8999)::text,4,'0'),
  (ARRAY['Paris','Berlin','Madrid','Boston','Osaka'])[1+g%5], (g%1000)/3.0,
  timestamp '2024-01-01' + g * interval '1 hour', 'order note '||md5(g::text), 'SKU-'||lpad(g::text,6,'0')
FROM generate_series(1, 5000) g;
SQL
done | psql -q -h 127.0.0.1 -U postgres -d bench40
echo "bench40: 40 tables ready"
