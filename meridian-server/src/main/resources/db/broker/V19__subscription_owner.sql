-- Whom a subscription notifies on behalf of (issue #20): the caller that created it. Notifications are matched and
-- rendered as that caller may read, so a revoked grant stops them; only the owner (or an operator) sees or changes the
-- subscription. Subscriptions made before accounts existed keep the full rights they had.
ALTER TABLE subscription
    ADD COLUMN owner             text   NOT NULL DEFAULT 'system:subscription',
    ADD COLUMN owner_departments text[] NOT NULL DEFAULT '{}',
    ADD COLUMN owner_roles       text[] NOT NULL DEFAULT '{all}';
