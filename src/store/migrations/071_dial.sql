-- The dial-out policy (src/dial): what each trunk may dial, and whose
-- word about a caller's number is believed.
--
-- trusted: the trunk's P-Asserted-Identity is taken as the caller's
-- number (and a callback may go to it without asking the caller). Trunks
-- that existed before this migration had their PAI believed: they keep
-- it; a trunk created now is not trusted until an administrator says so.
--
-- allow, deny: prefixes separated by spaces ("+90 0044"), written in
-- E.164 or as dialled from the center's phone-country. The longest
-- matching prefix decides, deny first at equal length; over the built-in
-- defaults (international and premium-rate ranges denied: see dial.h).
ALTER TABLE trunks ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0
	CHECK (trusted IN (0, 1));
UPDATE trunks SET trusted = 1;
ALTER TABLE trunks ADD COLUMN allow TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN deny TEXT NOT NULL DEFAULT '';
