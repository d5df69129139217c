package io.crmemail.benchmarks;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One line saying where and when a figure was measured, printed at the top of every report. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        return String.format("%s | %d cpus | max heap %d MB | Java %s (%s) | %s %s | load average %s",
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16)
                        + "Z",
                rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"), loadAverage());
    }

    /** The 1-minute load average at the start: other work on the machine skews every figure. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * CPU time used so far by the machine's PostgreSQL server processes (user + system, from {@code /proc}), in
     * nanoseconds; 0 where there is no {@code /proc}. The embedded server runs on the same cores as the engine,
     * and its share is not in the process CPU figure. Clock ticks are taken as Linux's usual 100 per second.
     */
    static long postgresCpuNanos() {
        long ticks = 0;
        java.io.File[] processes = new java.io.File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        if (processes == null) {
            return 0;
        }
        for (java.io.File process : processes) {
            try {
                String stat = java.nio.file.Files.readString(process.toPath().resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < 0 || !stat.substring(open + 1, close).equals("postgres")) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                // After the command: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12.
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (java.io.IOException | RuntimeException e) {
                // The process ended while we looked: its time is gone with it.
            }
        }
        return ticks * 10_000_000L;
    }
}
