package org.meridian.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.meridian.core.rules.Comparison;
import org.meridian.core.rules.Condition;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.Keying;
import org.meridian.core.rules.Reading;
import org.meridian.core.rules.RuleIndex;
import org.meridian.core.rules.RuleLogic;
import org.meridian.core.rules.RuleState;
import org.meridian.core.rules.Sample;
import org.meridian.core.rules.Samples;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rule kernel's throughput: readings of 100,000 entities against 1,000 active rules (a threshold held for five
 * minutes, a ten-minute average, a silence, …), each reading handed through the type index to its type's rules. How
 * many rules a reading concerns is the parameter: ten (100 types of 1,000 entities, ten rules each) or two (500 types
 * of 200 entities, two rules each). Each entity reports every 30 seconds of event time (the demo city's
 * cadence), and the state is filled to its steady size first (fifteen minutes of event time, past every window), so
 * windows are full and episodes open and clear as they would. The rules share one {@link Samples}, as one department's
 * rules do in the server. Run: {@code bench/run jmh RuleKernelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class RuleKernelBenchmark {
    private static final int RULES = 1_000;
    private static final int ENTITIES = 100_000;

    /** How many rules each reading concerns (rules per type). */
    @Param({"10", "2"})
    public int rulesPerType;
    private static final String VALUE = "https://uri.etsi.org/ngsi-ld/default-context/value";
    /** Event time between two readings of one entity. */
    private static final long CADENCE_MILLIS = 30_000;

    private RuleIndex<Integer> index;
    /** One department's rules: the readings kept once, shared by all of them. */
    private final Samples samples = new Samples();
    private final List<Kernel> kernels = new ArrayList<>();
    private final List<RuleState> states = new ArrayList<>();
    private String[] entities;
    private List<List<String>> types;
    private long step;
    private Instant start;

    @Setup
    public void setUp() {
        int typeCount = RULES / rulesPerType;
        Map<Integer, Set<String>> reads = new HashMap<>();
        for (int t = 0; t < typeCount; t++) {
            String type = "https://uri.etsi.org/ngsi-ld/default-context/Sensor" + t;
            for (int r = 0; r < rulesPerType; r++) {
                Condition condition = switch (r % 4) {
                    case 0 -> new Condition.Threshold(type, VALUE, new Comparison(Comparison.Op.ABOVE, 90.0 + r, null, null), Duration.ofMinutes(5));
                    case 1 -> new Condition.Window(type, VALUE, Condition.Aggregate.AVERAGE, Duration.ofMinutes(10),
                            new Comparison(Comparison.Op.ABOVE, 80.0, null, null));
                    case 2 -> new Condition.Silence(type, Duration.ofMinutes(15));
                    default -> new Condition.Threshold(type, VALUE, new Comparison(Comparison.Op.BELOW, 2.0, null, null), Duration.ZERO);
                };
                int id = kernels.size();
                kernels.add(new Kernel("r" + id, new RuleLogic(List.of(condition), Keying.ENTITY, Duration.ofMinutes(2), Duration.ZERO,
                        Duration.ofMinutes(10), Duration.ofMinutes(30))));
                states.add(new RuleState(samples));
                samples.serve(kernels.getLast());
                reads.put(id, Set.of(type));
            }
        }
        index = new RuleIndex<>(reads);
        entities = new String[ENTITIES];
        types = new ArrayList<>(entities.length);
        for (int i = 0; i < entities.length; i++) {
            entities[i] = "urn:ngsi-ld:Sensor:" + i;
            types.add(List.of("https://uri.etsi.org/ngsi-ld/default-context/Sensor" + (i % typeCount)));
        }
        start = Instant.parse("2026-12-01T00:00:00Z");
        // Fifteen minutes of event time: every window full, every state at its steady size.
        long fill = (long) entities.length * (15 * 60_000 / CADENCE_MILLIS);
        for (long i = 0; i < fill; i++) {
            reading();
        }
    }

    /** One reading: the next entity in turn, a value from a slow wave with noise. */
    @Benchmark
    public int reading() {
        long n = step++;
        int entity = (int) (n % entities.length);
        Instant at = start.plusMillis(n * CADENCE_MILLIS / entities.length);
        double value = 50 + 45 * Math.sin(n / 7_000_000.0 + entity) + (n * 31 % 17);
        Reading reading = new Reading(entities[entity], types.get(entity), null, null, null, Map.of(VALUE, Sample.of(at, value)));
        int effects = 0;
        // Taken in once (the rules of a department share the samples), then each rule concerned decides.
        samples.settle();
        samples.take(reading, at);
        for (Integer rule : index.concerned(types.get(entity))) {
            effects += kernels.get(rule).decide(states.get(rule), reading, at).size();
        }
        return effects;
    }
}
