package org.meridian.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code meridian rules …}: a department's engineers manage their rules from a terminal, against a running node's
 * {@code /rules/v1/} API (the same checks and grants as any client: this is a client). Signs in with a user name and
 * password (MERIDIAN_PASSWORD, or asked for), an access token or a machine client's API key. Prints the answers as
 * JSON; a refusal prints the server's reason and exits 1 (2 when the node cannot be reached).
 */
@Command(name = "rules", description = "Event rules on a running node: list, add, dry-run, enable, disable, episodes, trace.",
        subcommands = {RulesCommand.List.class, RulesCommand.Add.class, RulesCommand.DryRun.class, RulesCommand.Enable.class,
                RulesCommand.Disable.class, RulesCommand.Delete.class, RulesCommand.Episodes.class, RulesCommand.Trace.class})
final class RulesCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() {
        System.out.println("Usage: meridian rules (list | add FILE [--replace] | dry-run FILE|ID [--from T] [--to T] | enable ID | "
                + "disable ID | delete ID | episodes [--open] [--rule ID] | trace EPISODE) [--url U] [--user U | --token T | --api-key K]");
        return 2;
    }

    /** Where the node is and who is asking. */
    static final class Connection {
        @Option(names = "--url", description = "The node (default http://127.0.0.1:8080, env MERIDIAN_URL)")
        String url;
        @Option(names = "--tenant", description = "The tenant (NGSILD-Tenant; default: the default tenant)")
        String tenant;
        @Option(names = "--user", description = "Sign in as this user (password from MERIDIAN_PASSWORD, or asked for; env MERIDIAN_USER)")
        String user;
        @Option(names = "--token", description = "An access token (env MERIDIAN_TOKEN)")
        String token;
        @Option(names = "--api-key", description = "A machine client's key, id.secret (env MERIDIAN_API_KEY)")
        String apiKey;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private String base() {
            String chosen = url != null ? url : System.getenv().getOrDefault("MERIDIAN_URL", "http://127.0.0.1:8080");
            return chosen.endsWith("/") ? chosen.substring(0, chosen.length() - 1) : chosen;
        }

        /** Sends the request signed in; prints the answer; the exit code. */
        int send(String method, String path, byte[] body, String contentType) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(2))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Accept", "application/json");
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                if (tenant != null) {
                    request.header("NGSILD-Tenant", tenant);
                }
                sign(request);
                HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return print(answer);
            } catch (SignInRefused e) {
                command.commandLine().getErr().println(e.getMessage());
                return 1;
            } catch (IOException e) {
                command.commandLine().getErr().println("Could not reach " + base() + ": " + (e.getMessage() != null ? e.getMessage() : e));
                return 2;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 2;
            }
        }

        private void sign(HttpRequest.Builder request) throws IOException, InterruptedException {
            String key = apiKey != null ? apiKey : System.getenv("MERIDIAN_API_KEY");
            String bearer = token != null ? token : System.getenv("MERIDIAN_TOKEN");
            String name = user != null ? user : System.getenv("MERIDIAN_USER");
            if (key != null) {
                request.header("X-Api-Key", key);
            } else if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            } else if (name != null) {
                request.header("Authorization", "Bearer " + signIn(name));
            }
        }

        private String signIn(String name) throws IOException, InterruptedException {
            String password = System.getenv("MERIDIAN_PASSWORD");
            if (password == null && System.console() != null) {
                char[] typed = System.console().readPassword("Password for %s: ", name);
                password = typed == null ? "" : new String(typed);
            }
            if (password == null) {
                throw new SignInRefused("No password for " + name + ": set MERIDIAN_PASSWORD or run in a terminal");
            }
            String form = "grant_type=password&username=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(password, StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/auth/token")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
            if (tenant != null) {
                request.header("NGSILD-Tenant", tenant);
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new SignInRefused("Signing in as " + name + " was refused (" + answer.statusCode() + ")");
            }
            return JSON.readTree(answer.body()).path("access_token").asText();
        }

        private int print(HttpResponse<String> answer) throws IOException {
            java.io.PrintWriter out = command.commandLine().getOut();
            java.io.PrintWriter err = command.commandLine().getErr();
            boolean ok = answer.statusCode() / 100 == 2;
            String body = answer.body();
            if (!body.isBlank()) {
                String shown;
                try {
                    shown = JSON.writeValueAsString(JSON.readTree(body));
                } catch (IOException notJson) {
                    shown = body;
                }
                (ok ? out : err).println(shown);
            }
            if (!ok) {
                err.println("(" + answer.statusCode() + ")");
            }
            out.flush();
            err.flush();
            return ok ? 0 : 1;
        }
    }

    private static final class SignInRefused extends RuntimeException {
        SignInRefused(String message) {
            super(message);
        }
    }

    /** A rule file's bytes and media type (YAML unless it ends in .json). */
    private static byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    private static String mediaType(Path file) {
        return file.toString().endsWith(".json") ? "application/json" : "application/yaml";
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Command(name = "list", description = "The tenant's rules.")
    static final class List implements Callable<Integer> {
        @Mixin
        Connection node;

        @Override
        public Integer call() {
            return node.send("GET", "/rules/v1/rules", null, null);
        }
    }

    @Command(name = "add", description = "Add a rule from a YAML or JSON file (added disabled: enable it after a dry run).")
    static final class Add implements Callable<Integer> {
        @Mixin
        Connection node;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--replace", description = "Replace the rule of the same id (a new version) instead")
        boolean replace;

        @Override
        public Integer call() throws IOException {
            byte[] rule = read(file);
            if (!replace) {
                return node.send("POST", "/rules/v1/rules", rule, mediaType(file));
            }
            JsonNode parsed = (mediaType(file).endsWith("json") ? JSON : new YAMLMapper()).readTree(rule);
            String id = parsed == null ? "" : parsed.path("id").asText();
            if (id.isEmpty()) {
                node.command.commandLine().getErr().println(file + " names no id: the rule to replace is the one of the file's id");
                return 1;
            }
            return node.send("PUT", "/rules/v1/rules/" + encoded(id), rule, mediaType(file));
        }
    }

    @Command(name = "dry-run", description = "What a rule (a file, or a stored rule's id) would have done over recorded history; "
            + "nothing is written.")
    static final class DryRun implements Callable<Integer> {
        @Mixin
        Connection node;
        @Parameters(paramLabel = "FILE|ID")
        String rule;
        @Option(names = "--from", description = "ISO 8601 instant (default: a day before --to)")
        Instant from;
        @Option(names = "--to", description = "ISO 8601 instant (default: now)")
        Instant to;

        @Override
        public Integer call() throws IOException {
            Instant end = to != null ? to : Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant start = from != null ? from : end.minus(1, ChronoUnit.DAYS);
            String range = "?from=" + encoded(start.toString()) + "&to=" + encoded(end.toString());
            Path file = Path.of(rule);
            if (Files.isRegularFile(file)) {
                return node.send("POST", "/rules/v1/dry-run" + range, read(file), mediaType(file));
            }
            return node.send("POST", "/rules/v1/rules/" + encoded(rule) + "/dry-run" + range, null, null);
        }
    }

    /** A command on one rule or episode named by its id: one request, its path the id put in a pattern. */
    abstract static class OnOne implements Callable<Integer> {
        @Mixin
        Connection node;
        @Parameters(paramLabel = "ID")
        String id;
        private final String method;
        private final String path;

        OnOne(String method, String path) {
            this.method = method;
            this.path = path;
        }

        @Override
        public Integer call() {
            return node.send(method, path.formatted(encoded(id)), null, null);
        }
    }

    @Command(name = "enable", description = "Start running a rule.")
    static final class Enable extends OnOne {
        Enable() {
            super("POST", "/rules/v1/rules/%s/enable");
        }
    }

    @Command(name = "disable", description = "Stop a rule (its open episodes clear).")
    static final class Disable extends OnOne {
        Disable() {
            super("POST", "/rules/v1/rules/%s/disable");
        }
    }

    @Command(name = "delete", description = "Remove a rule.")
    static final class Delete extends OnOne {
        Delete() {
            super("DELETE", "/rules/v1/rules/%s");
        }
    }

    @Command(name = "episodes", description = "Episodes, newest first.")
    static final class Episodes implements Callable<Integer> {
        @Mixin
        Connection node;
        @Option(names = "--open", description = "Only those still open")
        boolean open;
        @Option(names = "--rule", description = "Only this rule's")
        String rule;

        @Override
        public Integer call() {
            String query = "?limit=100" + (open ? "&open=true" : "") + (rule != null ? "&rule=" + encoded(rule) : "");
            return node.send("GET", "/rules/v1/episodes" + query, null, null);
        }
    }

    @Command(name = "trace", description = "An episode's chain: the readings that opened it, what it did, what that set off.")
    static final class Trace extends OnOne {
        Trace() {
            super("GET", "/rules/v1/episodes/%s/trace");
        }
    }
}
