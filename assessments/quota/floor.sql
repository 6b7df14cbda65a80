-- The quota SQL floor: every indicator and alert of docs/quotas.md, for the whole database and
-- one year, hand-written for PostgreSQL only (written from that page, not from the engine). It is what the
-- benchmark (tests/perf/test_quota_bench.py, manage.py bench_quota) sets beside the engine: the least a
-- database has to do for this work. Results go to the UNLOGGED tables floor_results and floor_alerts.
--
--     psql -h 127.0.0.1 -U postgres partybuild_scale -v year=2026 -v today=2026-11-22 -f assessments/quota/floor.sql
--
-- Two parameters, psql variables: :year, and :'today' (the day "ref", the visit pace and the quarters count
-- from). The benchmark substitutes them itself and runs the statements one by one (each ends a line with ";").
-- Every county's QuotaPolicy of the year must exist (the engine creates the missing ones with the defaults).
-- ref = LEAST(today, 31 December): the day posts are held on, rolls taken and ages counted.
-- Ages: age(birth, day) < N  <=>  birth > day - N years (PostgreSQL clamps 29 February to the 28th, which
-- is exactly what the age formula of docs/quotas.md gives: a 29 February birthday comes on 1 March).

SET work_mem = '256MB';

DROP TABLE IF EXISTS floor_results;
DROP TABLE IF EXISTS floor_alerts;
CREATE UNLOGGED TABLE floor_results (
    organization_id bigint NOT NULL, code text NOT NULL, target numeric, actual numeric, met boolean
);
CREATE UNLOGGED TABLE floor_alerts (organization_id bigint NOT NULL, kind text NOT NULL, cadre_id bigint);
DROP TABLE IF EXISTS floor_org, floor_anc, floor_pol, floor_adm, floor_sec, floor_post, floor_person, floor_hh, floor_trained, floor_branch;

-- Organizations taking part, with their tree's policy.
CREATE UNLOGGED TABLE floor_org AS
SELECT o.id, o.kind, split_part(o.path, '/', 2)::bigint AS county_id,
       o.kind IN ('branch', 'joint_branch', 'general_branch') AS is_branch,
       o.kind IN ('branch', 'joint_branch', 'general_branch') AND o.field IN ('village', 'community') AS is_rural,
       o.kind IN ('township_committee', 'street_committee') AS is_committee,
       o.kind IN ('township_committee', 'street_committee', 'county_committee') AS is_upper,
       string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[] AS lineage
FROM branches_organization o
WHERE o.dissolved_on IS NULL OR o.dissolved_on > LEAST(:'today'::date, make_date(:year, 12, 31));
ALTER TABLE floor_org ADD PRIMARY KEY (id);
CREATE UNLOGGED TABLE floor_pol AS SELECT * FROM assessments_quotapolicy WHERE year = :year;
ALTER TABLE floor_pol ADD PRIMARY KEY (county_id);

-- (organization, committee or county above it or itself), both taking part.
CREATE UNLOGGED TABLE floor_anc AS
SELECT o.id AS org_id, a.id AS ancestor_id
FROM floor_org o CROSS JOIN LATERAL unnest(o.lineage) AS l(id) JOIN floor_org a ON a.id = l.id AND a.is_upper;
ANALYZE floor_org, floor_pol, floor_anc;

-- Admissions by credited branch and year: the from_branch of the member's earliest transfer, else the
-- member's branch; over the longest "no admission for n years" window of the policies.
CREATE UNLOGGED TABLE floor_adm AS
SELECT COALESCE(t.from_branch_id, m.branch_id) AS branch_id, extract(year FROM m.joined_on)::int AS y,
       count(*) AS n,
       count(*) FILTER (WHERE m.birth_date > m.joined_on - interval '25 years') AS n_under_25,
       count(*) FILTER (WHERE m.birth_date > m.joined_on - interval '35 years') AS n_under_35,
       count(*) FILTER (WHERE m.education IN ('senior_high', 'junior_college', 'bachelor', 'postgraduate')) AS n_educated
FROM members_member m
LEFT JOIN (
    SELECT DISTINCT ON (e.member_id) e.member_id, e.from_branch_id
    FROM members_memberevent e WHERE e.kind = 'transfer' ORDER BY e.member_id, e.occurred_on, e.id
) t ON t.member_id = m.id
WHERE m.joined_on BETWEEN make_date(:year + 1 - (SELECT COALESCE(max(dev_two_years_none), 1) FROM floor_pol), 1, 1)
                      AND make_date(:year, 12, 31)
GROUP BY 1, 2;

-- Serving secretaries of rural branches.
CREATE UNLOGGED TABLE floor_sec AS
SELECT c.id, c.member_id, c.organization_id AS org
FROM members_cadre c JOIN floor_org o ON o.id = c.organization_id AND o.is_rural
WHERE c.post = 'secretary' AND c.started_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
  AND (c.ended_on IS NULL OR c.ended_on >= LEAST(:'today'::date, make_date(:year, 12, 31)));

-- Serving two-committee posts of rural branches; a person is the member, or the post (negative id).
CREATE UNLOGGED TABLE floor_post AS
SELECT c.id, c.organization_id AS org, COALESCE(c.member_id, -c.id) AS person,
       COALESCE(c.birth_date, m.birth_date) AS birth
FROM members_cadre c JOIN floor_org o ON o.id = c.organization_id AND o.is_rural
LEFT JOIN members_member m ON m.id = c.member_id
WHERE c.post IN ('secretary', 'deputy_secretary', 'branch_committee',
                 'village_director', 'village_deputy_director', 'village_committee')
  AND c.started_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
  AND (c.ended_on IS NULL OR c.ended_on >= LEAST(:'today'::date, make_date(:year, 12, 31)));
-- One row a person: their first serving post (the lowest id, the reading tests/assessments/quota_oracle.py
-- documents) is where the visit.pace alert goes, and gives the birth date.
CREATE UNLOGGED TABLE floor_person AS
SELECT DISTINCT ON (org, person) org, person, id AS first_post, birth
FROM floor_post ORDER BY org, person, id;
ANALYZE floor_adm, floor_sec, floor_post, floor_person;

-- Distinct households a person visited this year over every post they held at the branch (whatever the post or
-- its term: a post not held this year has no visit this year).
CREATE UNLOGGED TABLE floor_hh AS
WITH posts AS (
    SELECT p.org, p.person, c.id AS cadre_id
    FROM floor_person p JOIN members_cadre c ON c.member_id = p.person AND c.organization_id = p.org
    WHERE p.person > 0
    UNION ALL
    SELECT p.org, p.person, -p.person FROM floor_person p WHERE p.person < 0
), pairs AS (
    SELECT x.org, x.person, v.household_key COLLATE "C"
    FROM members_visitlog v JOIN posts x ON x.cadre_id = v.cadre_id
    WHERE v.visited_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31)
    GROUP BY 1, 2, 3
)
SELECT org, person, count(*) AS households FROM pairs GROUP BY org, person;

-- Members' last training within the longest rotation cycle of the policies (train.rotation).
CREATE UNLOGGED TABLE floor_trained AS
SELECT ma.member_id, max(t.held_on) AS held_on
FROM members_training_member_attendees ma JOIN members_training t ON t.id = ma.training_id
WHERE t.held_on BETWEEN make_date(:year + 1 - (SELECT COALESCE(max(train_rotation_cycle_years), 1) FROM floor_pol), 1, 1)
                    AND make_date(:year, 12, 31)
GROUP BY ma.member_id;
ALTER TABLE floor_trained ADD PRIMARY KEY (member_id);

-- Everything a branch needs, one row a branch.
CREATE UNLOGGED TABLE floor_branch AS
WITH adm AS (
    SELECT a.branch_id, sum(a.n) FILTER (WHERE a.y = :year) AS n_year,
           sum(a.n_under_25) FILTER (WHERE a.y = :year) AS n_under_25,
           sum(a.n) FILTER (WHERE a.y > :year - p.dev_two_years_none) AS n_window
    FROM floor_adm a JOIN floor_org o ON o.id = a.branch_id JOIN floor_pol p ON p.county_id = o.county_id
    GROUP BY a.branch_id
), organized AS (
    SELECT organizer_id AS org, count(*) AS n FROM members_training
    WHERE held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31) GROUP BY 1
), sec_trainings AS (
    SELECT x.org, count(DISTINCT x.training_id) AS n
    FROM (
        SELECT s.org, ca.training_id FROM floor_sec s JOIN members_training_cadre_attendees ca ON ca.cadre_id = s.id
        UNION ALL
        SELECT s.org, ma.training_id FROM floor_sec s JOIN members_training_member_attendees ma ON ma.member_id = s.member_id
    ) x JOIN members_training t ON t.id = x.training_id
    WHERE t.level IN ('county', 'township') AND t.held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31)
    GROUP BY x.org
), rolls AS (
    -- The roll on ref: a member's branch and status that day are what the first transfer and the first
    -- status change after ref moved them from, else their own; members who joined after ref are not on it.
    SELECT COALESCE(t.from_branch_id, m.branch_id) AS org, count(*) AS roll,
           count(*) FILTER (WHERE extract(year FROM lt.held_on) > :year - p.train_rotation_cycle_years) AS trained
    FROM members_member m
    LEFT JOIN (
        SELECT DISTINCT ON (e.member_id) e.member_id, e.from_branch_id FROM members_memberevent e
        WHERE e.kind = 'transfer' AND e.occurred_on > LEAST(:'today'::date, make_date(:year, 12, 31))
        ORDER BY e.member_id, e.occurred_on, e.id
    ) t ON t.member_id = m.id
    LEFT JOIN (
        SELECT DISTINCT ON (e.member_id) e.member_id, e.from_status FROM members_memberevent e
        WHERE e.kind = 'status_change' AND e.occurred_on > LEAST(:'today'::date, make_date(:year, 12, 31))
        ORDER BY e.member_id, e.occurred_on, e.id
    ) c ON c.member_id = m.id
    JOIN floor_org o ON o.id = COALESCE(t.from_branch_id, m.branch_id) AND o.is_rural
    JOIN floor_pol p ON p.county_id = o.county_id
    LEFT JOIN floor_trained lt ON lt.member_id = m.id
    WHERE m.joined_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
      AND COALESCE(c.from_status, m.status) IN ('normal', 'lost_contact')
    GROUP BY 1
), persons AS (
    SELECT p.org, count(*) AS persons,
           count(*) FILTER (WHERE COALESCE(h.households, 0) >= pol.visit_households) AS reached,
           count(*) FILTER (WHERE p.birth > LEAST(:'today'::date, make_date(:year, 12, 31)) - interval '36 years') AS young
    FROM floor_person p JOIN floor_org o ON o.id = p.org JOIN floor_pol pol ON pol.county_id = o.county_id
    LEFT JOIN floor_hh h ON h.org = p.org AND h.person = p.person GROUP BY p.org
), study AS (
    SELECT s.org, count(DISTINCT s.id) AS secretaries, COALESCE(sum(sr.sessions), 0) AS sessions,
           COALESCE(sum(sr.note_characters), 0) AS notes, COALESCE(sum(sr.articles), 0) AS articles
    FROM floor_sec s LEFT JOIN members_studyrecord sr ON sr.cadre_id = s.id AND sr.year = :year GROUP BY s.org
), reviews AS (
    SELECT organization_id AS org,
           count(*) FILTER (WHERE kind = 'committee_report') AS committee_reports,
           count(*) FILTER (WHERE kind = 'branch_report') AS branch_reports,
           count(*) FILTER (WHERE kind IN ('member_review', 'representative_review')) AS democratic
    FROM branches_reviewrecord WHERE held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31) GROUP BY 1
), disclosures AS (
    SELECT organization_id AS org, count(*) AS n FROM branches_financialdisclosure WHERE year = :year GROUP BY 1
), reserves AS (
    SELECT organization_id AS org, count(*) AS n FROM members_reservecadre
    WHERE status = 'in_roster' AND entered_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
      AND birth_date > LEAST(:'today'::date, make_date(:year, 12, 31)) - interval '36 years'
    GROUP BY 1
), contacts AS (
    SELECT cp.organization_id AS org, count(*) AS points,
           count(*) FILTER (WHERE cp.lecture_on IS NOT NULL AND cp.check_on IS NOT NULL AND cp.activity_on IS NOT NULL
                            AND cp.days_spent >= p.contact_days) AS complete
    FROM members_contactpoint cp JOIN floor_org o ON o.id = cp.organization_id JOIN floor_pol p ON p.county_id = o.county_id
    WHERE cp.year = :year GROUP BY 1
), meetings AS (
    SELECT organization_id AS org,
           count(*) FILTER (WHERE kind = 'assembly') AS assembly, count(*) FILTER (WHERE kind = 'committee') AS committee,
           count(*) FILTER (WHERE kind = 'group') AS "group", count(*) FILTER (WHERE kind = 'lecture') AS lecture,
           count(*) FILTER (WHERE kind = 'theme_day') AS theme_day,
           count(*) FILTER (WHERE kind = 'life_meeting') AS life_meeting,
           count(*) FILTER (WHERE kind = 'appraisal') AS appraisal
    FROM members_meeting WHERE held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31) GROUP BY 1
)
SELECT o.id, o.county_id, o.is_rural,
       COALESCE(a.n_year, 0) AS adm_year, COALESCE(a.n_under_25, 0) AS adm_under_25,
       COALESCE(a.n_window, 0) AS adm_window, COALESCE(tr.n, 0) AS organized,
       COALESCE(st.n, 0) AS sec_trainings, r.roll, COALESCE(r.trained, 0) AS trained,
       COALESCE(pe.persons, 0) AS persons, COALESCE(pe.reached, 0) AS reached, COALESCE(pe.young, 0) AS team_young,
       COALESCE(sy.secretaries, 0) AS secretaries, COALESCE(sy.sessions, 0) AS sessions,
       COALESCE(sy.notes, 0) AS notes, COALESCE(sy.articles, 0) AS articles,
       COALESCE(rv.committee_reports, 0) AS committee_reports, COALESCE(rv.branch_reports, 0) AS branch_reports,
       COALESCE(rv.democratic, 0) AS democratic, COALESCE(d.n, 0) AS disclosures, COALESCE(rs.n, 0) AS reserve_young,
       c.points, c.complete,
       COALESCE(mt.assembly, 0) AS m_assembly, COALESCE(mt.committee, 0) AS m_committee,
       COALESCE(mt."group", 0) AS m_group, COALESCE(mt.lecture, 0) AS m_lecture,
       COALESCE(mt.theme_day, 0) AS m_theme_day, COALESCE(mt.life_meeting, 0) AS m_life_meeting,
       COALESCE(mt.appraisal, 0) AS m_appraisal
FROM floor_org o
LEFT JOIN adm a ON a.branch_id = o.id
LEFT JOIN organized tr ON tr.org = o.id LEFT JOIN sec_trainings st ON st.org = o.id LEFT JOIN rolls r ON r.org = o.id
LEFT JOIN persons pe ON pe.org = o.id LEFT JOIN study sy ON sy.org = o.id LEFT JOIN reviews rv ON rv.org = o.id
LEFT JOIN disclosures d ON d.org = o.id LEFT JOIN reserves rs ON rs.org = o.id LEFT JOIN contacts c ON c.org = o.id
LEFT JOIN meetings mt ON mt.org = o.id
WHERE o.is_branch;

-- Branch results: the rural codes for rural branches, the meeting codes for every branch.
INSERT INTO floor_results (organization_id, code, target, actual, met)
SELECT b.id, v.code, v.target, v.actual, v.met
FROM floor_branch b JOIN floor_pol p ON p.county_id = b.county_id
CROSS JOIN LATERAL (VALUES
    ('dev.branch_min', p.dev_branch_min, b.adm_year, b.adm_year >= p.dev_branch_min, b.is_rural),
    ('dev.two_years_none', 1, b.adm_window, b.adm_window >= 1, b.is_rural),
    ('dev.under_25', p.dev_under_25, b.adm_under_25, b.adm_under_25 >= p.dev_under_25, b.is_rural),
    ('train.per_level', p.train_per_level, b.organized, b.organized >= p.train_per_level, b.is_rural),
    ('train.secretary', p.train_secretary, b.sec_trainings,
        b.secretaries > 0 AND b.sec_trainings >= p.train_secretary, b.is_rural),
    ('train.rotation', p.train_rotation, round(100.0 * b.trained / NULLIF(b.roll, 0), 2),
        round(100.0 * b.trained / NULLIF(b.roll, 0), 2) >= p.train_rotation, b.is_rural),
    ('visit.households', b.persons, b.reached, CASE WHEN b.persons > 0 THEN b.reached >= b.persons END, b.is_rural),
    ('study.village.sessions', p.study_village_sessions, b.sessions,
        b.secretaries > 0 AND b.sessions >= p.study_village_sessions, b.is_rural),
    ('study.village.notes', p.study_village_notes, b.notes,
        b.secretaries > 0 AND b.notes >= p.study_village_notes, b.is_rural),
    ('study.village.articles', p.study_village_articles, b.articles,
        b.secretaries > 0 AND b.articles >= p.study_village_articles, b.is_rural),
    ('review.committee_reports', p.review_committee_reports, b.committee_reports,
        b.committee_reports >= p.review_committee_reports, b.is_rural),
    ('review.branch_reports', p.review_branch_reports, b.branch_reports,
        b.branch_reports >= p.review_branch_reports, b.is_rural),
    ('review.democratic', p.review_democratic, b.democratic, b.democratic >= p.review_democratic, b.is_rural),
    ('review.disclosures', p.review_disclosures, b.disclosures, b.disclosures >= p.review_disclosures, b.is_rural),
    ('reserve.young', p.reserve_young, b.reserve_young, b.reserve_young >= p.reserve_young, b.is_rural),
    ('reserve.team_young', p.reserve_team_young, b.team_young, b.team_young >= p.reserve_team_young, b.is_rural),
    ('contact.visit', b.points, b.complete, b.complete >= b.points, b.is_rural AND b.points IS NOT NULL),
    ('meet.assembly', p.meet_assembly, b.m_assembly, b.m_assembly >= p.meet_assembly, TRUE),
    ('meet.committee', p.meet_committee, b.m_committee, b.m_committee >= p.meet_committee, TRUE),
    ('meet.group', p.meet_group, b.m_group, b.m_group >= p.meet_group, TRUE),
    ('meet.lecture', p.meet_lecture, b.m_lecture, b.m_lecture >= p.meet_lecture, TRUE),
    ('meet.theme_day', p.meet_theme_day, b.m_theme_day, b.m_theme_day >= p.meet_theme_day, TRUE),
    ('meet.life_meeting', p.meet_life_meeting, b.m_life_meeting, b.m_life_meeting >= p.meet_life_meeting, TRUE),
    ('meet.appraisal', p.meet_appraisal, b.m_appraisal, b.m_appraisal >= p.meet_appraisal, TRUE)
) AS v(code, target, actual, met, applies)
WHERE v.applies;

-- Dues paid on time (dues.on_time): each month of the year ended by ref, each member with a base of the
-- year that is not exempt and on a roll on the month's first day, in that day's branch; on time when the
-- month's payment is dated by its last day.
INSERT INTO floor_results (organization_id, code, target, actual, met)
WITH months AS (
    SELECT g.d::date AS first_day, (g.d + interval '1 month' - interval '1 day')::date AS last_day
    FROM generate_series(make_date(:year, 1, 1), make_date(:year, 12, 1), interval '1 month') AS g(d)
    WHERE (g.d + interval '1 month' - interval '1 day')::date <= LEAST(:'today'::date, make_date(:year, 12, 31))
), due AS (
    SELECT COALESCE(t.from_branch_id, m.branch_id) AS org, dp.paid_on <= mo.last_day AS on_time
    FROM members_duesbase db JOIN members_member m ON m.id = db.member_id
    JOIN months mo ON m.joined_on <= mo.first_day
    LEFT JOIN LATERAL (
        SELECT e.from_branch_id FROM members_memberevent e
        WHERE e.member_id = m.id AND e.kind = 'transfer' AND e.occurred_on > mo.first_day
        ORDER BY e.occurred_on, e.id LIMIT 1
    ) t ON TRUE
    LEFT JOIN LATERAL (
        SELECT e.from_status FROM members_memberevent e
        WHERE e.member_id = m.id AND e.kind = 'status_change' AND e.occurred_on > mo.first_day
        ORDER BY e.occurred_on, e.id LIMIT 1
    ) c ON TRUE
    LEFT JOIN members_duespayment dp ON dp.member_id = m.id AND dp.month = mo.first_day
    WHERE db.year = :year AND NOT db.exempt AND COALESCE(c.from_status, m.status) IN ('normal', 'lost_contact')
), counts AS (
    SELECT org, count(*) AS due, count(*) FILTER (WHERE on_time) AS on_time FROM due GROUP BY org
)
SELECT b.id, 'dues.on_time', p.dues_on_time, round(100.0 * c.on_time / NULLIF(c.due, 0), 2),
       CASE WHEN c.due > 0 THEN round(100.0 * c.on_time / c.due, 2) >= p.dues_on_time END
FROM floor_branch b JOIN floor_pol p ON p.county_id = b.county_id LEFT JOIN counts c ON c.org = b.id;

-- Class hours of training (train.hours): members on the roll on ref whose class hours of the year's
-- trainings (as member or through any post, each once; 8 a day without hours) reach 56 when they serve in a
-- branch committee post on ref, 32 otherwise (the policy's figures).
INSERT INTO floor_results (organization_id, code, target, actual, met)
WITH hours AS (
    SELECT a.member_id, sum(COALESCE(t.hours, t.days * 8)) AS hours
    FROM (
        SELECT ma.member_id, ma.training_id FROM members_training_member_attendees ma
        UNION
        SELECT c.member_id, ca.training_id FROM members_training_cadre_attendees ca
        JOIN members_cadre c ON c.id = ca.cadre_id WHERE c.member_id IS NOT NULL
    ) a JOIN members_training t ON t.id = a.training_id
    WHERE t.held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31)
    GROUP BY a.member_id
), leaders AS (
    SELECT DISTINCT c.member_id FROM members_cadre c
    WHERE c.post IN ('secretary', 'deputy_secretary', 'branch_committee') AND c.member_id IS NOT NULL
      AND c.started_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
      AND (c.ended_on IS NULL OR c.ended_on >= LEAST(:'today'::date, make_date(:year, 12, 31)))
), counts AS (
    SELECT o.id AS org, count(*) AS roll,
           count(*) FILTER (WHERE COALESCE(h.hours, 0) >= CASE WHEN l.member_id IS NOT NULL
                                  THEN p.train_cadre_hours ELSE p.train_member_hours END) AS reached
    FROM members_member m
    LEFT JOIN (
        SELECT DISTINCT ON (e.member_id) e.member_id, e.from_branch_id FROM members_memberevent e
        WHERE e.kind = 'transfer' AND e.occurred_on > LEAST(:'today'::date, make_date(:year, 12, 31))
        ORDER BY e.member_id, e.occurred_on, e.id
    ) t ON t.member_id = m.id
    LEFT JOIN (
        SELECT DISTINCT ON (e.member_id) e.member_id, e.from_status FROM members_memberevent e
        WHERE e.kind = 'status_change' AND e.occurred_on > LEAST(:'today'::date, make_date(:year, 12, 31))
        ORDER BY e.member_id, e.occurred_on, e.id
    ) c ON c.member_id = m.id
    JOIN floor_org o ON o.id = COALESCE(t.from_branch_id, m.branch_id) AND o.is_branch
    JOIN floor_pol p ON p.county_id = o.county_id
    LEFT JOIN hours h ON h.member_id = m.id LEFT JOIN leaders l ON l.member_id = m.id
    WHERE m.joined_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
      AND COALESCE(c.from_status, m.status) IN ('normal', 'lost_contact')
    GROUP BY o.id
)
SELECT b.id, 'train.hours', p.train_hours_share, round(100.0 * c.reached / NULLIF(c.roll, 0), 2),
       CASE WHEN c.roll > 0 THEN round(100.0 * c.reached / c.roll, 2) >= p.train_hours_share END
FROM floor_branch b JOIN floor_pol p ON p.county_id = b.county_id LEFT JOIN counts c ON c.org = b.id;

-- Committees and counties: their own trainings, the admission shares of their subtree's branches.
INSERT INTO floor_results (organization_id, code, target, actual, met)
WITH organized AS (
    SELECT organizer_id AS org, count(*) AS n FROM members_training
    WHERE held_on BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31) GROUP BY 1
), shares AS (
    SELECT an.ancestor_id AS org, sum(a.n) AS n, sum(a.n_under_35) AS young, sum(a.n_educated) AS educated
    FROM floor_adm a JOIN floor_org b ON b.id = a.branch_id AND b.is_branch JOIN floor_anc an ON an.org_id = b.id
    WHERE a.y = :year GROUP BY an.ancestor_id
), upper_rows AS (
    SELECT u.id, p.train_per_level, p.dev_young_share, p.dev_educated_share, COALESCE(tr.n, 0) AS organized, COALESCE(sh.n, 0) AS admissions,
           round(100.0 * sh.young / NULLIF(sh.n, 0), 2) AS young_share,
           round(100.0 * sh.educated / NULLIF(sh.n, 0), 2) AS educated_share
    FROM floor_org u JOIN floor_pol p ON p.county_id = u.county_id
    LEFT JOIN organized tr ON tr.org = u.id LEFT JOIN shares sh ON sh.org = u.id
    WHERE u.is_upper
)
SELECT x.id, v.code, v.target, v.actual, v.met
FROM upper_rows x CROSS JOIN LATERAL (VALUES
    ('train.per_level', x.train_per_level::numeric, x.organized::numeric, x.organized >= x.train_per_level),
    ('dev.young_share', x.dev_young_share, x.young_share, x.young_share >= x.dev_young_share),
    ('dev.educated_share', x.dev_educated_share, x.educated_share, x.educated_share >= x.dev_educated_share)
) AS v(code, target, actual, met);

-- Committees: standardized rooms of their subtree, against their target of the year.
INSERT INTO floor_results (organization_id, code, target, actual, met)
SELECT rt.organization_id, 'room.standardized', rt.target, count(r.id), count(r.id) >= rt.target
FROM branches_standardizedroomtarget rt JOIN floor_org u ON u.id = rt.organization_id AND u.is_committee
LEFT JOIN floor_anc an ON an.ancestor_id = u.id
LEFT JOIN branches_activityroom r ON r.organization_id = an.org_id AND r.is_standardized
     AND r.standardized_on <= make_date(:year, 12, 31)
WHERE rt.year = :year
GROUP BY rt.organization_id, rt.target;

-- Committees: instructors serving at their subtree's branches, by their study over all their instructor posts.
INSERT INTO floor_results (organization_id, code, target, actual, met)
WITH serving AS (
    SELECT DISTINCT an.ancestor_id AS committee, COALESCE(c.member_id, -c.id) AS person
    FROM members_cadre c JOIN floor_org b ON b.id = c.organization_id AND b.is_branch
    JOIN floor_anc an ON an.org_id = b.id
    JOIN floor_org u ON u.id = an.ancestor_id AND u.is_committee
    WHERE c.post = 'instructor' AND c.started_on <= LEAST(:'today'::date, make_date(:year, 12, 31))
      AND (c.ended_on IS NULL OR c.ended_on >= LEAST(:'today'::date, make_date(:year, 12, 31)))
), study AS (
    SELECT COALESCE(c.member_id, -c.id) AS person, sum(sr.note_characters) AS notes, sum(sr.articles) AS articles
    FROM members_cadre c JOIN members_studyrecord sr ON sr.cadre_id = c.id AND sr.year = :year
    WHERE c.post = 'instructor' GROUP BY 1
), per_committee AS (
    SELECT s.committee, count(*) AS persons,
           count(*) FILTER (WHERE COALESCE(st.notes, 0) >= p.study_township_notes) AS notes_reached,
           count(*) FILTER (WHERE COALESCE(st.articles, 0) >= p.study_township_articles) AS articles_reached
    FROM serving s JOIN floor_org u ON u.id = s.committee JOIN floor_pol p ON p.county_id = u.county_id
    LEFT JOIN study st ON st.person = s.person GROUP BY s.committee
)
SELECT u.id, v.code, v.target, v.actual, v.met
FROM floor_org u LEFT JOIN per_committee x ON x.committee = u.id
CROSS JOIN LATERAL (VALUES
    ('study.township.notes', COALESCE(x.persons, 0), COALESCE(x.notes_reached, 0),
        CASE WHEN x.persons > 0 THEN x.notes_reached >= x.persons END),
    ('study.township.articles', COALESCE(x.persons, 0), COALESCE(x.articles_reached, 0),
        CASE WHEN x.persons > 0 THEN x.articles_reached >= x.persons END)
) AS v(code, target, actual, met)
WHERE u.is_committee;

-- Roll-ups: for each committee or county and branch code, the subtree's branches with a met, and how many met.
INSERT INTO floor_results (organization_id, code, target, actual, met)
SELECT an.ancestor_id, 'rollup.' || r.code, count(*), count(*) FILTER (WHERE r.met),
       count(*) FILTER (WHERE r.met) = count(*)
FROM floor_results r JOIN floor_anc an ON an.org_id = r.organization_id
WHERE r.met IS NOT NULL AND r.organization_id IN (SELECT id FROM floor_branch)
GROUP BY an.ancestor_id, r.code;

-- Alerts.
INSERT INTO floor_alerts (organization_id, kind, cadre_id)
SELECT r.organization_id, r.code, NULL::bigint FROM floor_results r
WHERE r.code IN ('dev.two_years_none', 'reserve.young') AND r.met = FALSE
UNION ALL
SELECT b.id, 'train.secretary', NULL::bigint FROM floor_branch b JOIN floor_results r ON r.organization_id = b.id
WHERE r.code = 'train.secretary' AND r.met = FALSE AND b.secretaries > 0
UNION ALL
SELECT r.organization_id, 'train.per_level', NULL::bigint FROM floor_results r
WHERE r.code = 'train.per_level'
  AND r.actual < CASE WHEN extract(year FROM :'today'::date) = :year
                      THEN floor(r.target * (CASE WHEN extract(month FROM :'today'::date) >= 10 THEN 4 ELSE (extract(month FROM :'today'::date)::int - 1) / 3 END) / 4) ELSE r.target END
UNION ALL
SELECT DISTINCT r.organization_id, 'meet.overdue', NULL::bigint FROM floor_results r
WHERE extract(year FROM :'today'::date) = :year AND r.code LIKE 'meet.%'
  AND r.actual < floor(r.target * (CASE WHEN extract(month FROM :'today'::date) >= 10 THEN 4 ELSE (extract(month FROM :'today'::date)::int - 1) / 3 END) / 4)
UNION ALL
SELECT p.org, 'visit.pace', p.first_post
FROM floor_person p JOIN floor_org o ON o.id = p.org JOIN floor_pol pol ON pol.county_id = o.county_id
LEFT JOIN floor_hh h ON h.org = p.org AND h.person = p.person
WHERE extract(year FROM :'today'::date) = :year
  AND COALESCE(h.households, 0) * (make_date(:year + 1, 1, 1) - make_date(:year, 1, 1))
      < pol.visit_households * (:'today'::date - make_date(:year, 1, 1) + 1);

DROP TABLE IF EXISTS floor_org, floor_anc, floor_pol, floor_adm, floor_sec, floor_post, floor_person, floor_hh, floor_trained, floor_branch;
RESET work_mem;
