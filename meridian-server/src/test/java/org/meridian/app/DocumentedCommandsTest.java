package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.sim.DemoCity;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Every curl command in README.md and docs/ works pasted as it is, against a platform running the demo city (as the
 * README's quick start has it): the commands are read from the documents' sh blocks, in order, and run by bash with
 * curl's --fail, so a glob in a URL, a wrong path or an answer of 400 and above fails the build.
 */
class DocumentedCommandsTest {
    @TempDir
    Path data;
    @TempDir
    Path workingDirectory;

    @Test
    void everyCurlCommandInTheDocumentationSucceeds() throws Exception {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        List<Path> documents = new ArrayList<>(List.of(repository.resolve("README.md")));
        try (Stream<Path> docs = Files.list(repository.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        // The bulk-import example posts a department's file in GBK.
        Files.write(workingDirectory.resolve("hospitals.csv"), "编号,名称,床位,急诊,区,经度,纬度\nH001,第一人民医院,1200,是,Old-Town,120.161,30.271\n"
                .getBytes(Charset.forName("GBK")));
        // The rules guide adds the rule it shows: its YAML block, as a user would save it.
        String rules = Files.readString(repository.resolve("docs/rules.md"));
        int yaml = rules.indexOf("```yaml\n") + "```yaml\n".length();
        Files.writeString(workingDirectory.resolve("flood.yaml"), rules.substring(yaml, rules.indexOf("```", yaml)));

        try (MeridianServer server = TestServer.startOwn(data, Map.of());
             DemoCity city = DemoCity.start(new DemoCity.Options(42, 3600, 60, 1, "http://127.0.0.1:" + server.port(),
                     "tcp://127.0.0.1:" + server.mqttPort(), data, TestServer.demoDirectory(server)))) {
            Api api = TestServer.client(server);
            awaitMeasurements(api);
            assertThat(Files.readString(documents.get(0))).as("README signs in as a demo account").contains(SIGN_IN);
            int run = 0;
            for (Path document : documents) {
                String signIn = "";
                for (String command : curlCommands(Files.readString(document))) {
                    String local = command.replace("localhost:8080", "127.0.0.1:" + server.port());
                    if (command.startsWith(SIGN_IN)) {
                        // The documents sign in once (TOKEN=$(curl … /auth/token …)); the commands after it use $TOKEN.
                        signIn = local + "; ";
                        local = signIn + "[ -n \"$TOKEN\" ] && [ \"${#TOKEN}\" -gt 100 ]";
                    } else {
                        local = signIn + local.replaceFirst("^curl ", "curl --fail -sS -o /dev/null ");
                    }
                    Result result = bash(local);
                    assertThat(result.exitCode()).as("%s:\n%s\n%s", repository.relativize(document), command, result.output())
                            .isZero();
                    run++;
                }
            }
            assertThat(run).as("commands found").isGreaterThanOrEqualTo(8);
        }
    }

    private static final String SIGN_IN = "TOKEN=$(curl ";

    /**
     * Lines starting with curl (or signing in: {@code TOKEN=$(curl}) in ```sh blocks, each with its continuation lines
     * until its quotes close.
     */
    static List<String> curlCommands(String markdown) {
        List<String> commands = new ArrayList<>();
        boolean inShell = false;
        StringBuilder current = null;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                inShell = !inShell && line.trim().equals("```sh");
                current = null;
                continue;
            }
            if (!inShell) {
                continue;
            }
            if (current == null && (line.startsWith("curl ") || line.startsWith(SIGN_IN))) {
                current = new StringBuilder(line);
            } else if (current != null) {
                current.append('\n').append(line);
            }
            if (current != null && current.chars().filter(c -> c == '\'').count() % 2 == 0) {
                commands.add(current.toString());
                current = null;
            }
        }
        return commands;
    }

    private record Result(int exitCode, String output) {
    }

    private Result bash(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void awaitMeasurements(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!api.get("/ngsi-ld/v1/entities?type=WeatherObserved&q=precipitation&limit=1").send().json().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo city's weather stations did not report");
    }
}
