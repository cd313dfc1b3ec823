-- A queued notification names the subscription by id and by its creation time. A write that matched a subscription
-- while it was deleted and created again under the same id would otherwise queue a notification rendered for the
-- old definition, and the sender would deliver it to the new one. Rows queued by earlier versions have no time.
ALTER TABLE notification ADD COLUMN subscription_created_at timestamptz;
