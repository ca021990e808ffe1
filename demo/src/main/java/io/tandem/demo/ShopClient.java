package io.tandem.demo;

import io.tandem.core.Fence;
import io.tandem.core.JournalEntry;
import io.tandem.core.VersionDefinition;
import io.tandem.orm.JournalWriter;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One app version of the shop, as the demo's writers use it: each write is one transaction appending one journal
 * entry in that version's terms (v1: {@code full_name}; v2: {@code first_name}, {@code last_name}, {@code phone})
 * and returning its transaction id; reads go through the version's views.
 */
final class ShopClient {
    private final DataSource pool;
    private final JournalWriter writer;
    private final int version;
    private final String findSql;

    ShopClient(DataSource pool, VersionDefinition definition) {
        this.pool = pool;
        this.writer = new JournalWriter(List.of(definition));
        this.version = definition.version();
        this.findSql = "SELECT * FROM " + definition.viewSchema() + ".customer WHERE id = ?";
    }

    int version() {
        return version;
    }

    long insert(long id, Customer c) throws SQLException {
        Map<String, Object> data = names(c.fullName());
        data.put("id", id);
        data.put("email", c.email());
        if (version == 2 && c.phone() != null) {
            data.put("phone", c.phone());
        }
        return write(JournalEntry.insert("shop", version, "customer", Map.of("id", id), data));
    }

    long rename(long id, String fullName) throws SQLException {
        Map<String, Object> data = names(fullName);
        return write(JournalEntry.update("shop", version, "customer", Map.of("id", id), data, List.copyOf(data.keySet())));
    }

    long changeEmail(long id, String email) throws SQLException {
        return write(JournalEntry.update("shop", version, "customer", Map.of("id", id), Map.of("email", email),
                List.of("email")));
    }

    long changePhone(long id, String phone) throws SQLException {
        return write(JournalEntry.update("shop", version, "customer", Map.of("id", id), Map.of("phone", phone),
                List.of("phone")));
    }

    long delete(long id) throws SQLException {
        return write(JournalEntry.delete("shop", version, "customer", Map.of("id", id)));
    }

    /** Reads a customer through this version's view; true if it is there. */
    boolean find(long id) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(findSql)) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Map<String, Object> names(String fullName) {
        Map<String, Object> data = new HashMap<>();
        if (version == 1) {
            data.put("full_name", fullName);
        } else {
            int space = fullName.indexOf(' ');
            data.put("first_name", space < 0 ? fullName : fullName.substring(0, space));
            data.put("last_name", space < 0 ? "" : fullName.substring(space + 1));
        }
        return data;
    }

    private long write(JournalEntry entry) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                writer.append(c, entry);
                long txid = Fence.currentTxid(c);
                c.commit();
                return txid;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
