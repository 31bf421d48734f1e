-- Placeholder for migration 0006, assigned to another branch (the mock interview). Migrations must run
-- without gaps, and the job-posting check was assigned 0007: drop this file when the real 0006 is merged.
SELECT 1;
