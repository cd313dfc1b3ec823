package org.meridian.bench;

import java.util.Arrays;

/** Entry point of the benchmark jar: {@code load <url> [entities] [seed]} or {@code jmh [JMH options]}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "load" -> LoadGenerator.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "pages" -> PageTimings.main(rest);
            case "federation" -> FederationBenchmark.main(rest);
            default -> System.out.println("usage: load <baseUrl> [entities] [seed] | jmh [JMH options] | pages <baseUrl> <user> <password> | federation [districts=3,10] [stations] [queries]");
        }
    }
}
