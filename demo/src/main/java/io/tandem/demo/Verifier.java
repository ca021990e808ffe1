package io.tandem.demo;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares what the database shows — a version's views or the physical table — with the {@link Model}: a customer
 * the model expects that is missing or holds another value is <em>lost</em>; one present that the model says is
 * deleted or never existed is <em>duplicated</em>.
 */
final class Verifier {
    /** Differences found by one comparison. */
    record Result(long lost, long duplicated, List<String> findings) {
        Result plus(Result other) {
            List<String> all = new ArrayList<>(findings);
            all.addAll(other.findings);
            return new Result(lost + other.lost, duplicated + other.duplicated, all.subList(0, Math.min(all.size(), 10)));
        }
    }

    private static final String V1 = "SELECT id, full_name, email, NULL AS phone FROM shop_v1.customer";
    private static final String V2 = "SELECT id, concat_ws(' ', first_name, nullif(last_name, '')), email, phone"
            + " FROM shop_v2.customer";
    private static final String PHYSICAL = "SELECT id, concat_ws(' ', first_name, nullif(last_name, '')), email, phone"
            + " FROM public.customer";

    private final DataSource pool;
    private final Model model;

    Verifier(DataSource pool, Model model) {
        this.pool = pool;
        this.model = model;
    }

    Result versionOne() throws SQLException {
        return compare("shop_v1.customer", V1, false);
    }

    Result versionTwo() throws SQLException {
        return compare("shop_v2.customer", V2, true);
    }

    Result physical() throws SQLException {
        return compare("table customer", PHYSICAL, true);
    }

    private Result compare(String where, String sql, boolean phones) throws SQLException {
        Map<Long, String[]> seen = new HashMap<>();
        long duplicated = 0;
        List<String> findings = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String[] row = {rs.getString(2), rs.getString(3), rs.getString(4)};
                if (seen.put(rs.getLong(1), row) != null) {
                    duplicated++;
                    note(findings, where + ": customer " + rs.getLong(1) + " appears twice");
                }
            }
        }
        long lost = 0;
        for (Map.Entry<Long, Customer> e : model.all().entrySet()) {
            Customer want = e.getValue();
            String[] got = seen.remove(e.getKey());
            if (want.deleted()) {
                if (got != null) {
                    duplicated++;
                    note(findings, where + ": customer " + e.getKey() + " was deleted but is still there");
                }
            } else if (got == null) {
                lost++;
                note(findings, where + ": customer " + e.getKey() + " is missing");
            } else if (!Objects.equals(want.fullName(), got[0]) || !Objects.equals(want.email(), got[1])
                    || phones && !Objects.equals(want.phone(), got[2])) {
                lost++;
                note(findings, where + ": customer " + e.getKey() + " holds [" + String.join(", ", nulls(got))
                        + "], expected [" + want.fullName() + ", " + want.email() + (phones ? ", " + want.phone() : "") + "]");
            }
        }
        duplicated += seen.size();
        seen.keySet().stream().limit(3).forEach(id -> note(findings, where + ": customer " + id + " was never written"));
        return new Result(lost, duplicated, findings);
    }

    private static String[] nulls(String[] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = String.valueOf(values[i]);
        }
        return out;
    }

    private static void note(List<String> findings, String finding) {
        if (findings.size() < 10) {
            findings.add(finding);
        }
    }
}
