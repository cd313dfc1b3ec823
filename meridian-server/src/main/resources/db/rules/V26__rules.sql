-- Event rules (#22). A rule is a document in the rule language, owned by a department; its kernel state (recent
-- samples, open episodes, watermark) is kept beside it with the change-stream position it has taken in, written in the
-- transaction that records what the step decided: after a crash the stream is read again from the position the
-- consumer stored, and events at or before the rule's own position are skipped, so none counts twice and none is lost.
CREATE TABLE rule (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    department  text        NOT NULL,
    definition  jsonb       NOT NULL,
    enabled     boolean     NOT NULL DEFAULT false,
    version     integer     NOT NULL DEFAULT 1,
    problem     text,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE rule_state (
    tenant     text    NOT NULL,
    rule_id    text    NOT NULL,
    version    integer NOT NULL,
    position   bigint  NOT NULL,
    idx        integer NOT NULL,
    state      jsonb   NOT NULL,
    PRIMARY KEY (tenant, rule_id)
);

-- Episodes: open while their rule's conditions hold for their key; one case, one Alert entity each.
CREATE TABLE rule_episode (
    tenant          text        NOT NULL,
    id              text        NOT NULL,
    rule_id         text        NOT NULL,
    key             text        NOT NULL,
    state           text        NOT NULL,
    opened_at       timestamptz NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text,
    escalated_at    timestamptz,
    cleared_at      timestamptz,
    cleared_by      text,
    evidence        jsonb       NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX rule_episode_rule ON rule_episode (tenant, rule_id, opened_at DESC);
CREATE INDEX rule_episode_open ON rule_episode (tenant, opened_at DESC) WHERE state <> 'cleared';

-- What each episode did and what came of it, in order: the trace forward (case, alert, notification, entity
-- change) and, read backwards from a case or an entity, to the episode and the readings that opened it.
CREATE TABLE rule_trace (
    tenant     text        NOT NULL,
    episode_id text        NOT NULL,
    seq        integer     NOT NULL,
    kind       text        NOT NULL,
    ref        text,
    at         timestamptz NOT NULL,
    detail     jsonb       NOT NULL,
    PRIMARY KEY (tenant, episode_id, seq)
);
CREATE INDEX rule_trace_ref ON rule_trace (tenant, kind, ref);

-- Actions decided and not yet done (an outbox): written with the episode's step, done after the commit, retried
-- until done or given up; a crash between deciding and doing loses nothing.
CREATE TABLE rule_action (
    tenant     text        NOT NULL,
    id         bigserial,
    episode_id text        NOT NULL,
    step       text        NOT NULL,
    action     jsonb       NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    next_at    timestamptz NOT NULL,
    last_error text,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX rule_action_due ON rule_action (next_at);
