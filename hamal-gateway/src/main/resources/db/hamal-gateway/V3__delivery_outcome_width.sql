-- The outcome of a logged attempt is a DeliveryLog.Outcome name; REDELIVERY_FAILED has 17
-- characters, one more than V2 allowed, so a failed redelivery could not be logged (the API
-- answered 503 and the attempt was lost).
ALTER TABLE subscription_deliveries MODIFY outcome VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
