package io.tandem.bench;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark driver: {@code benchmarks/run [--quick] [--jdbc-url URL]} runs every benchmark against its
 * baseline in one process and writes {@code benchmarks/RESULTS.md} and {@code benchmarks/results.json}.
 *
 * <p>Options: {@code --quick} (under 5 minutes), {@code --tiny} (seconds, for the smoke test), {@code --jdbc-url}
 * (a server where the user may CREATE DATABASE; default: an embedded PostgreSQL 17 with fsync on),
 * {@code --root DIR} (the repository, default {@code .}), {@code --out DIR} (default {@code ROOT/benchmarks}),
 * {@code --only write,applier,lag,migration,read,failover,soak} (a partial run replaces only its own sections and
 * figures in an existing RESULTS.md and results.json), {@code --migration-rounds N} (fewer rounds, same table size).
 */
public final class BenchMain {
    static final List<String> ALL = List.of("write", "applier", "lag", "migration", "read", "failover", "soak");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        String mode = "full";
        String jdbcUrl = null;
        Path root = Path.of(".");
        Path out = null;
        List<String> only = ALL;
        int migrationRounds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = "quick";
                case "--tiny" -> mode = "tiny";
                case "--full" -> mode = "full";
                case "--jdbc-url" -> jdbcUrl = args[++i];
                case "--root" -> root = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--migration-rounds" -> migrationRounds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: benchmarks/run [--quick] [--jdbc-url URL] [--only " + String.join(",", ALL) + "] [--migration-rounds N]");
                    System.exit(2);
                }
            }
        }
        Params p = byMode(mode, root);
        if (migrationRounds > 0) {
            p = p.withMigrationRounds(migrationRounds);
        }
        run(p, jdbcUrl, out == null ? root.resolve("benchmarks") : out, only);
    }

    /** Runs the chosen benchmarks and writes RESULTS.md and results.json into {@code out}. */
    public static Results run(Params p, String jdbcUrl, Path out, List<String> only) throws Exception {
        for (String name : only) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("unknown benchmark " + name + "; one of " + ALL);
            }
        }
        long t0 = System.nanoTime();
        Results r = new Results();
        try (Pg pg = Pg.start(jdbcUrl)) {
            Map<String, String> settings = pg.settings();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Map<String, Object> machine = machine();
            r.put("date", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            r.put("mode", p.mode());
            Results body = new Results();
            body.json.putAll(r.json);
            if (only.contains("write")) {
                new WritePathBench(pg, p, body).run();
            }
            if (only.contains("applier")) {
                new ApplierBench(pg, p, body).run();
            }
            if (only.contains("lag")) {
                new LagBench(pg, p, body).run();
            }
            if (only.contains("migration")) {
                new MigrationBench(pg, p, body).run();
            }
            if (only.contains("read")) {
                new ReadPathBench(pg, p, body).run();
            }
            if (only.contains("failover")) {
                new FailoverBench(pg, p, body).run();
            }
            if (only.contains("soak")) {
                new SoakBench(pg, p, body).run();
            }
            double minutes = (System.nanoTime() - t0) / 60e9;
            boolean partial = !only.containsAll(ALL);
            Path oldJson = out.resolve("results.json");
            Path oldMd = out.resolve("RESULTS.md");
            Map<String, Object> previous = partial && Files.exists(oldJson) && Files.exists(oldMd)
                    ? readJson(oldJson) : null;
            String runLine;
            String sections;
            Object firstMachine = null;
            Map<String, Object> figures;
            if (previous == null) {
                r.put("run_minutes", Stats.round(minutes));
                figures = body.json;
                sections = body.md.toString();
                runLine = "Generated by `benchmarks/run" + flags(p, only) + "` on " + now.format(HUMAN) + " in "
                        + String.format("%.1f", minutes) + " min (" + p.mode() + " run).";
            } else {
                // A partial run replaces its own sections and figures and keeps the others from the earlier run.
                figures = new LinkedHashMap<>(previous);
                body.json.forEach((k, v) -> {
                    if (!k.equals("date") && !k.equals("mode")) {
                        figures.put(k, v);
                    }
                });
                r.put("date", previous.get("date"));
                r.put("mode", previous.get("mode"));
                r.put("run_minutes", previous.get("run_minutes"));
                List<Object> reruns = new ArrayList<>(previous.get("reruns") instanceof List<?> l ? l : List.of());
                Map<String, Object> rerun = new LinkedHashMap<>();
                rerun.put("only", only);
                rerun.put("date", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                rerun.put("mode", p.mode());
                rerun.put("run_minutes", Stats.round(minutes));
                rerun.put("command", "benchmarks/run" + flags(p, only));
                // The first run's machine: "machine" is always the latest run's
                firstMachine = previous.getOrDefault("first_machine", previous.get("machine"));
                rerun.put("os", machine.get("os"));
                reruns.add(rerun);
                r.put("reruns", reruns);
                sections = mergeSections(Files.readString(oldMd), body.md.toString());
                runLine = "Generated by `benchmarks/run` on "
                        + OffsetDateTime.parse(String.valueOf(previous.get("date"))).format(HUMAN) + " in "
                        + previous.get("run_minutes") + " min (" + previous.get("mode") + " run); then re-run section by"
                        + " section, each replacing or adding its own figures only: " + describe(reruns)
                        + (firstMachine instanceof Map<?, ?> m
                        && !String.valueOf(m.get("cpu")).equals(String.valueOf(machine.get("cpu")))
                        ? ". The first run's other sections ran on a different machine (" + m.get("cores") + " cores, "
                        + m.get("cpu") + "), the latest re-run on the one below" : ". Same machine") + ".";
            }
            // results.json: the key figures first, then the details.
            for (String key : HEADLINE) {
                if (figures.get(key) != null || key.startsWith("migration") || !key.startsWith("online")) {
                    r.put(key, figures.get(key));
                }
            }
            r.put("machine", machine);
            if (firstMachine != null) {
                r.put("first_machine", firstMachine);
            }
            r.put("postgresql", settings);
            figures.forEach((k, v) -> r.json.putIfAbsent(k, v));

            r.line("# Tandem benchmarks: results").line("")
                    .line(runLine + " Every figure is measured"
                            + " side by side with its baseline in the same run. `benchmarks/README.md` explains each benchmark;"
                            + " `results.json` holds the same figures.")
                    .line("")
                    .line("**Machine:** " + machine.get("cores") + " cores (" + machine.get("cpu") + "), "
                            + machine.get("memory_gb") + " GB memory, " + machine.get("os") + "; " + machine.get("jvm")
                            + ", driver heap -Xmx " + String.format("%.0f", HeapWatch.maxHeapMb()) + " MB.")
                    .line("")
                    .line("**PostgreSQL:** " + settings.get("version") + "; " + settings.get("server") + "; fsync="
                            + settings.get("fsync") + ", synchronous_commit=" + settings.get("synchronous_commit")
                            + ", full_page_writes=" + settings.get("full_page_writes") + ", wal_level=" + settings.get("wal_level")
                            + ", shared_buffers=" + settings.get("shared_buffers") + ", max_wal_size=" + settings.get("max_wal_size")
                            + ", work_mem=" + settings.get("work_mem") + ", wal_sync_method=" + settings.get("wal_sync_method")
                            + " (everything else at PostgreSQL's defaults). Client and server share the machine's cores.")
                    .line("");
            targets(r, figures);
            r.md.append(sections);
            Path analysis = out.resolve("analysis.md");
            if (Files.exists(analysis)) {
                r.line("---").line("").md.append(Files.readString(analysis));
            }
            Files.createDirectories(out);
            Files.writeString(oldMd, r.md.toString());
            r.writeJson(oldJson);
            r.progress(String.format("done in %.1f min: %s", minutes, out.resolve("RESULTS.md")));
        }
        return r;
    }

    /** The top-level figures of results.json, in this order (the online ones only when the migration ran). */
    static final List<String> HEADLINE = List.of("write_path_ratio", "write_path_ratio_e10", "applier_ratio",
            "overlay_read_ratio", "lag_p99_ms",
            "migration_max_write_stall_ms", "migration_reader_errors", "online_migration_max_write_stall_ms",
            "online_migration_max_read_stall_ms", "online_migration_switch_ms", "online_build_rows_per_s",
            "online_catch_up_rows", "online_catch_up_rows_per_s", "online_release_revert_ms", "applier_peak_heap_mb",
            "read_path_ratio");
    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    /** Each re-run of results.json's list, oldest first: what ran, with which command, when, how long, where. */
    private static String describe(List<Object> reruns) {
        List<String> out = new ArrayList<>();
        for (Object o : reruns) {
            Map<?, ?> rerun = (Map<?, ?>) o;
            String command = rerun.get("command") != null ? String.valueOf(rerun.get("command"))
                    : "benchmarks/run" + ("full".equals(rerun.get("mode")) ? "" : " --" + rerun.get("mode")) + " --only "
                    + String.join(",", ((List<?>) rerun.get("only")).stream().map(String::valueOf).toList());
            out.add("`" + command + "` on " + OffsetDateTime.parse(String.valueOf(rerun.get("date"))).format(HUMAN)
                    + " (" + rerun.get("run_minutes") + " min, " + rerun.get("mode")
                    + (rerun.get("os") != null ? ", " + rerun.get("os") : "") + ")");
        }
        return String.join(", ", out);
    }

    private static String flags(Params p, List<String> only) {
        return (p.mode().equals("full") ? "" : " --" + p.mode())
                + (only.containsAll(ALL) ? "" : " --only " + String.join(",", only))
                + (p.migrationRounds() != byMode(p.mode(), p.root()).migrationRounds()
                ? " --migration-rounds " + p.migrationRounds() : "");
    }

    private static Params byMode(String mode, Path root) {
        return switch (mode) {
            case "quick" -> Params.quick(root);
            case "tiny" -> Params.tiny(root);
            default -> Params.full(root);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path file) throws java.io.IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
    }

    /**
     * The benchmark sections ({@code ## } headings after the targets, before the analysis) of an earlier
     * RESULTS.md with those of {@code fresh} put in: a section of the same heading is replaced where it was, a new
     * one goes after the previous fresh section (or at the end).
     */
    static String mergeSections(String earlier, String fresh) {
        int analysis = earlier.indexOf("\n---\n");
        Map<String, String> merged = sections(analysis < 0 ? earlier : earlier.substring(0, analysis + 1));
        merged.keySet().removeIf(h -> h.startsWith("## Targets") || !h.startsWith("## "));
        Map<String, String> add = sections(fresh);
        String after = null;
        for (Map.Entry<String, String> e : add.entrySet()) {
            if (!e.getKey().startsWith("## ")) {
                continue;
            }
            if (merged.containsKey(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
            } else {
                Map<String, String> next = new LinkedHashMap<>();
                boolean placed = false;
                for (Map.Entry<String, String> m : merged.entrySet()) {
                    next.put(m.getKey(), m.getValue());
                    if (m.getKey().equals(after)) {
                        next.put(e.getKey(), e.getValue());
                        placed = true;
                    }
                }
                if (!placed) {
                    next.put(e.getKey(), e.getValue());
                }
                merged = next;
            }
            after = e.getKey();
        }
        return String.join("", merged.values());
    }

    /** Text by its {@code ## } heading line (the text before the first heading under the key ""). */
    private static Map<String, String> sections(String md) {
        Map<String, String> out = new LinkedHashMap<>();
        String heading = "";
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>(Arrays.asList(md.split("\n", -1)));
        if (md.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        for (String line : lines) {
            if (line.startsWith("## ")) {
                out.merge(heading, text.toString(), String::concat);
                heading = line;
                text = new StringBuilder();
            }
            text.append(line).append('\n');
        }
        out.merge(heading, text.toString(), String::concat);
        return out;
    }

    private static void targets(Results r, Map<String, Object> j) {
        r.line("## Targets").line("")
                .line("| figure | this run | target | |")
                .line("|---|---|---|---|");
        target(r, j, "write_path_ratio", "journal/direct, 8 threads, 1-entity tx", "≥ 0.9", v -> v >= 0.9);
        target(r, j, "write_path_ratio_e10", "journal/direct, 8 threads, 10-entity tx", "≥ 0.85", v -> v >= 0.85);
        target(r, j, "applier_ratio", "applier/set-based, largest journal", "≥ 0.8", v -> v >= 0.8);
        Object flat = j.get("applier") instanceof Map<?, ?> a ? a.get("flatness_rows_per_s_largest/smallest") : null;
        if (flat instanceof Number f) {
            r.line("| applier flatness | " + f + " | rows/s at 1M ≈ at 100k | " + (f.doubleValue() >= 0.8 ? "met" : "**missed**") + " |");
        }
        target(r, j, "lag_p99_ms", "commit → visible p99 at 2k writes/s", "≤ 25 ms", v -> v <= 25);
        target(r, j, "migration_max_write_stall_ms", "worst writer stall during the rewrite: the online release, `migrate`'s default", "≤ 100 ms", v -> v <= 100);
        target(r, j, "online_migration_max_read_stall_ms", "worst reader stall during the online release", "≤ 100 ms", v -> v <= 100);
        target(r, j, "migration_reader_errors", "reader errors during the online and in-place releases", "0", v -> v == 0);
        target(r, j, "online_release_revert_ms", "`ReleaseControl.revert` at the migration's table size", "≤ 1000 ms", v -> v <= 1000);
        target(r, j, "applier_peak_heap_mb", "applier peak heap used", "≤ 256 MB", v -> v <= 256);
        target(r, j, "read_path_ratio", "views/hand-written, worst join-view case", "≥ 0.9", v -> v >= 0.9);
        target(r, j, "overlay_read_ratio", "overlay views/hand-written, worst case: reads after a write", "≥ 0.8",
                v -> v >= 0.8);
        target(r, j, "failover_first_apply_ms_max", "leader killed → first row its standby applies, worst", "≤ 1000 ms",
                v -> v <= 1000);
        target(r, j, "journal_bytes_max/journal_bytes_retention_window", "largest journal seen in the soak / its"
                + " size cap", "≤ 2", v -> v <= 2);
        target(r, j, "soak_write_ratio_last_first", "soak writes/s, last tenth / first tenth", "≥ 0.9", v -> v >= 0.9);
        target(r, j, "soak_applier_ratio_last_first", "soak applied rows/s, last tenth / first tenth", "≥ 0.9",
                v -> v >= 0.9);
        r.line("");
    }

    private static void target(Results r, Map<String, Object> j, String key, String what, String target,
                               java.util.function.DoublePredicate ok) {
        Object v = j.get(key);
        if (v instanceof Number n) {
            r.line("| `" + key + "` (" + what + ") | " + n + " | " + target + " | " + (ok.test(n.doubleValue()) ? "met" : "**missed**") + " |");
        }
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        m.put("cpu", cpu);
        long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        m.put("memory_gb", Math.round(mem / 1e9 * 10) / 10.0);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jvm", "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        try {
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (Exception e) {
            m.put("host", "unknown");
        }
        return m;
    }

}
