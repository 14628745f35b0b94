-- A kimflow database of schema 3 (kimflow 0.2), for the migration test in sqlite_store_test.cpp.
-- Written by that version's own SqliteStore (commit 6d85cb8: its src/store and headers, built
-- as they were) through insert, append and log_denial, with the rows its engine writes for a
-- paper's creation, submit and answer: three papers (answered, draft, submitted) and one refusal.
-- Paper data of class version 2 (before type_name and source).
-- Dumped with sqlite3's .dump, which leaves out the file header: its two fields are the
-- PRAGMAs at the end. Not to be edited: these are the rows and hashes that version wrote.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE instance (
        key INTEGER PRIMARY KEY,
        lifecycle TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        states TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_role TEXT NOT NULL,
        created_org TEXT NOT NULL,
        due INTEGER,
        owner TEXT NOT NULL,
        area TEXT NOT NULL, overseer TEXT NOT NULL DEFAULT '', erased_at INTEGER,
        UNIQUE (lifecycle, id));
INSERT INTO instance VALUES(1,'paper','14/1923',2,'answered','answered',X'0102000000070000000000000031342f313932330000000031000000000000005a7573616d6d656e61726265697420646572204b6f6d6d756e616c656e20496e746567726174696f6e737a656e7472656e007e4e000012000000000000004672616b74696f6e20446965204c696e6b651400000000000000526567696f6e616c76657262616e6420527568720100000000000000090000000000000031342f313932332d3101000000000000000100000029000000000000004175737363687573732066c3bc72204b756c7475722c2053706f727420756e64205669656c66616c74000000000000000000010000000000000000000000000000000000000472da052b0600000088b023ad2c0600090000000000000031342f313932332d31010000000000000000010100000000000000000000000000000000',1736154000000000,'kretschmer','fraktion','Fraktion Die Linke',NULL,'fraktion-die-linke','Regionalverband Ruhr','',NULL);
INSERT INTO instance VALUES(2,'paper','14/1924',0,'draft','draft',X'0102000000070000000000000031342f313932340000000031000000000000005a7573616d6d656e61726265697420646572204b6f6d6d756e616c656e20496e746567726174696f6e737a656e7472656e007e4e000012000000000000004672616b74696f6e20446965204c696e6b651400000000000000526567696f6e616c76657262616e642052756872000000000000000001000000000000000100000029000000000000004175737363687573732066c3bc72204b756c7475722c2053706f727420756e64205669656c66616c74000000000000000000010000000000000000000000000000000001010000000000000000010000000000000000010100000000000000000000000000000000',1736154000000000,'kretschmer','fraktion','Fraktion Die Linke',NULL,'fraktion-die-linke','Regionalverband Ruhr','',NULL);
INSERT INTO instance VALUES(3,'paper','14/1925',1,'submitted','submitted',X'0102000000070000000000000031342f313932350000000031000000000000005a7573616d6d656e61726265697420646572204b6f6d6d756e616c656e20496e746567726174696f6e737a656e7472656e007e4e000012000000000000004672616b74696f6e20446965204c696e6b651400000000000000526567696f6e616c76657262616e642052756872000000000000000001000000000000000100000029000000000000004175737363687573732066c3bc72204b756c7475722c2053706f727420756e64205669656c66616c74000000000000000000010000000000000000000000000000000000000472da052b0600010000000000000000010000000000000000010100000000000000000000000000000000',1736154000000000,'kretschmer','fraktion','Fraktion Die Linke',20122,'fraktion-die-linke','Regionalverband Ruhr','',NULL);
CREATE TABLE transition (
        seq INTEGER PRIMARY KEY,
        instance INTEGER NOT NULL REFERENCES instance (key),
        version INTEGER NOT NULL,
        event TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_org TEXT NOT NULL,
        at INTEGER NOT NULL,
        payload BLOB NOT NULL,
        summary TEXT NOT NULL, payload_hash BLOB, erased_hash BLOB, hash BLOB, erased_at INTEGER);
INSERT INTO transition VALUES(1,1,1,'submit','draft','submitted','kretschmer','fraktion','Fraktion Die Linke',1736154000000000,X'01','',X'dcb342a1be59ad6b2529881f7ce0a478ff462581318cfe673527de74036d5e51',X'dcb342a1be59ad6b2529881f7ce0a478ff462581318cfe673527de74036d5e51',X'd9e781b2e289fb340c633081a07c7ecc5f4bdc012ed374e529019c9a4a47d7a2',NULL);
INSERT INTO transition VALUES(2,1,2,'answer','submitted','answered','baumeister','verwaltung','Regionalverband Ruhr',1737972000000000,X'01090000000000000031342f313932332d31','answer_reference=14/1923-1',X'5f84e8e7d5957e7acf744a1db6dbf276c49c24e5c4ebf5df4f5a7be6bb219a27',X'5f84e8e7d5957e7acf744a1db6dbf276c49c24e5c4ebf5df4f5a7be6bb219a27',X'521e0579462f8d3bbd78a66e567f72df1c0564513891f8fc5428276d2aceda90',NULL);
INSERT INTO transition VALUES(3,3,1,'submit','draft','submitted','kretschmer','fraktion','Fraktion Die Linke',1736154000000000,X'01','',X'dcb342a1be59ad6b2529881f7ce0a478ff462581318cfe673527de74036d5e51',X'dcb342a1be59ad6b2529881f7ce0a478ff462581318cfe673527de74036d5e51',X'6fb1758ce2a6b82d61e2f3d68e25bd8f8f4159628f28461d8586266346db7e90',NULL);
CREATE TABLE denial (
        seq INTEGER PRIMARY KEY,
        lifecycle TEXT NOT NULL,
        instance TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_org TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        hash BLOB NOT NULL);
INSERT INTO denial VALUES(1,'paper','14/1923','withdraw','mueller','fraktion','SPD-Fraktion',1738051200000000,'''mueller'' (role ''fraktion'' of ''SPD-Fraktion'') may not withdraw paper ''14/1923'': the policy allows role ''fraktion'' to withdraw only on instances their organisation owns, and this one is not among them',X'524fe81eb49d3ced1f8837ded6fa60ef85710c3618e47928f0118a0cf3873fd2');
CREATE INDEX instance_by_state ON instance (lifecycle, state, id);
CREATE INDEX instance_by_due ON instance (lifecycle, due) WHERE due IS NOT NULL;
CREATE INDEX instance_by_owner ON instance (lifecycle, owner, id);
CREATE INDEX instance_by_area ON instance (lifecycle, area, id);
CREATE UNIQUE INDEX transition_by_instance ON transition (instance, version);
CREATE INDEX instance_by_overseer ON instance (lifecycle, overseer, id);
CREATE INDEX denial_by_instance ON denial (lifecycle, instance);
COMMIT;
PRAGMA application_id = 1263095110;
PRAGMA user_version = 3;
