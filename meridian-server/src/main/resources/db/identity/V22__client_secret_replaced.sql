-- When a machine client's secret was last replaced (issue #20): access tokens issued before then stop working at
-- once, as the old secret does, instead of living out their fifteen minutes.
ALTER TABLE machine_client ADD COLUMN secret_replaced_at timestamptz;
