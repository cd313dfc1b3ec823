-- Cases referred to the node above (上报) wait there; the federation's round looks at these every few seconds, so it
-- reads them by this index rather than scanning every case.
CREATE INDEX case_record_referred ON case_record (updated_at) WHERE state = 'referred';
