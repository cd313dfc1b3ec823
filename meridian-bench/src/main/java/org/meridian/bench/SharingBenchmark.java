package org.meridian.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Governed reads against the owner's: {@code entities} entities of a type one department owns, a second department
 * granted three of its attributes; the same queries as the owner and as the grantee (whose reads are masked in SQL and
 * each recorded in the exchange ledger), and signing in. Needs a server with accounts (bench/run starts one for the
 * {@code sharing} phase); the operator's password comes from MERIDIAN_BENCH_ADMIN_PASSWORD.
 */
final class SharingBenchmark {
    private static final String TYPE = "AirQualityObserved";
    private static final String PASSWORD = "bench-password-12";

    private final String base;
    private final int entities;
    private final String adminPassword;
    private final BenchClient accounts;

    SharingBenchmark(String base, int entities, String adminPassword) {
        this.base = base;
        this.accounts = new BenchClient(base);
        this.entities = entities;
        this.adminPassword = adminPassword;
    }

    void run() throws Exception {
        String operator = "Bearer " + accounts.signIn("admin", adminPassword);
        accounts.send(operator, "PUT", "/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}");
        accounts.send(operator, "PUT", "/admin/v1/departments/transport", "{\"name\": \"Transport\"}");
        accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"eco\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"ecology\", \"role\": \"staff\"}]}");
        accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"tr\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"transport\", \"role\": \"staff\"}]}");
        accounts.send(operator, "PUT", "/admin/v1/departments/water", "{\"name\": \"Water\"}");
        accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"wa\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"water\", \"role\": \"staff\"}]}");
        accounts.send(operator, "PUT", "/sharing/v1/datasets/" + TYPE, "{\"owner\": \"ecology\"}");
        // Water is granted the same attributes in the western half of the city only (a row filter by place).
        accounts.send(operator, "POST", "/sharing/v1/grants", String.format(Locale.ROOT, "{\"type\": \"%s\", \"grantee\": \"water\", "
                + "\"attributes\": [\"NO2\", \"temperature\", \"location\"], \"area\": [%f, %f, %f, %f], \"until\": \"%s\"}",
                TYPE, CityEntities.WEST, CityEntities.SOUTH, (CityEntities.WEST + CityEntities.EAST) / 2, CityEntities.NORTH,
                Instant.now().plus(1, ChronoUnit.DAYS)));
        accounts.send(operator, "POST", "/sharing/v1/grants", "{\"type\": \"" + TYPE + "\", \"grantee\": \"transport\", "
                + "\"attributes\": [\"NO2\", \"temperature\", \"location\"], \"until\": \"" + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}");

        SplittableRandom random = new SplittableRandom(42);
        int batches = entities / 100;
        try (RawHttpConnection http = new RawHttpConnection(base, operator)) {
            for (int b = 0; b < batches; b++) {
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    body.append(i == 0 ? "" : ",").append(CityEntities.airQuality(TYPE, b * 100 + i, random));
                }
                int status = http.request("POST", "/ngsi-ld/v1/entityOperations/upsert", body.append(']').toString());
                if (status >= 300) {
                    throw new IllegalStateException("loading failed: " + status);
                }
            }
        }
        System.out.printf(Locale.ROOT, "sharing: %d %s entities owned by ecology; transport granted NO2, temperature, location%n",
                entities, TYPE);

        String owner = "Bearer " + accounts.signIn("eco", PASSWORD);
        String grantee = "Bearer " + accounts.signIn("tr", PASSWORD);
        String areaGrantee = "Bearer " + accounts.signIn("wa", PASSWORD);
        List<String> near = new ArrayList<>();
        List<String> pages = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            double longitude = CityEntities.WEST + random.nextDouble() * (CityEntities.EAST - CityEntities.WEST);
            double latitude = CityEntities.SOUTH + random.nextDouble() * (CityEntities.NORTH - CityEntities.SOUTH);
            near.add("/ngsi-ld/v1/entities?type=" + TYPE + "&limit=20&q=" + encode("NO2>40;temperature<30")
                    + "&georel=" + encode("near;maxDistance==1000") + "&geometry=Point&coordinates="
                    + encode(String.format(Locale.ROOT, "[%.5f,%.5f]", longitude, latitude)));
            pages.add("/ngsi-ld/v1/entities?type=" + TYPE + "&limit=100&q=" + encode("NO2>" + (20 + random.nextInt(60))));
        }
        for (int round = 0; round < 2; round++) {
            String warm = round == 0 ? " (first round)" : "";
            measure(owner, near, "query type+q+near 1 km, owner" + warm);
            measure(grantee, near, "query type+q+near 1 km, grantee" + warm);
            measure(areaGrantee, near, "query type+q+near 1 km, grantee of the western half" + warm);
            measure(owner, pages.subList(0, 500), "query type+q, 100 a page, owner" + warm);
            measure(grantee, pages.subList(0, 500), "query type+q, 100 a page, grantee" + warm);
            measure(areaGrantee, pages.subList(0, 500), "query type+q, 100 a page, grantee of the western half" + warm);
        }
        LoadGenerator.Result signIns = LoadGenerator.drive(200, 4, i -> () -> {
            accounts.signIn("tr", PASSWORD);
            return 200;
        });
        signIns.print("sign in (password grant, Argon2id, 4 clients)", 1, "sign-ins/s");
    }

    private void measure(String authorization, List<String> paths, String what) throws Exception {
        ThreadLocal<RawHttpConnection> connections = ThreadLocal.withInitial(() -> new RawHttpConnection(base, authorization));
        LoadGenerator.drive(paths.size(), 4, i -> () -> {
            int status = connections.get().request("GET", paths.get(i), null);
            return status;
        }).print(what + " (4 clients)", 1, "queries/s");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
