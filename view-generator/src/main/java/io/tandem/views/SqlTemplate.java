package io.tandem.views;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the named slots, {@code ${name}}, of a SQL template written as a text block, so generated SQL (above all
 * the plpgsql of the view triggers) reads as the SQL it produces rather than as Java string building.
 *
 * <p>Rules, so templates stay readable and output stays well indented:
 * <ul>
 *   <li>every line of a value after its first is indented to the column where its slot stands in the template,
 *       so a multi-line value (a list of plpgsql statements, a SELECT) lines up under its slot;</li>
 *   <li>a slot alone on its line whose value is empty removes the line (an optional step, e.g. the optimistic-lock
 *       check of an entity without a version field);</li>
 *   <li>values are inserted once and never scanned for slots, so a value holding {@code ${...}} (a definition's
 *       own SQL may) stays as it is;</li>
 *   <li>a slot without a value, or a value without a slot, is a programming error
 *       ({@link IllegalArgumentException}): a misspelt slot never ships.</li>
 * </ul>
 */
final class SqlTemplate {
    private static final Pattern SLOT = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private SqlTemplate() {
    }

    /** {@code template} with each {@code ${name}} replaced by {@code values.get(name)}, as the class comment says. */
    static String fill(String template, Map<String, String> values) {
        Set<String> unused = new HashSet<>(values.keySet());
        StringBuilder out = new StringBuilder(template.length() * 2);
        Matcher slot = SLOT.matcher(template);
        int copied = 0;
        while (slot.find()) {
            String name = slot.group(1);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + name + "}");
            }
            unused.remove(name);
            int lineStart = template.lastIndexOf('\n', slot.start() - 1) + 1;
            int lineEnd = template.indexOf('\n', slot.end());
            lineEnd = lineEnd < 0 ? template.length() : lineEnd;
            boolean alone = template.substring(lineStart, slot.start()).isBlank() && slot.end() == lineEnd;
            if (alone && value.isEmpty()) {
                out.append(template, copied, lineStart);
                copied = Math.min(lineEnd + 1, template.length());
                continue;
            }
            out.append(template, copied, slot.start())
                    .append(value.replace("\n", "\n" + " ".repeat(slot.start() - lineStart)));
            copied = slot.end();
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("no slot for " + unused);
        }
        return out.append(template, copied, template.length()).toString();
    }
}
