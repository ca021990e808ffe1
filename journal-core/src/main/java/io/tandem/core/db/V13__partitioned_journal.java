package io.tandem.core.db;

import io.tandem.core.storage.JournalConversion;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Tandem schema 13: {@code tandem.journal} partitioned by txid range, the existing table its first partition
 * ({@link JournalConversion}). Not in a Flyway transaction: validating the first partition's bound must commit
 * before the brief swap, so writers go on while it runs.
 */
public class V13__partitioned_journal extends BaseJavaMigration {
    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) throws Exception {
        JournalConversion.run(context.getConnection());
    }
}
