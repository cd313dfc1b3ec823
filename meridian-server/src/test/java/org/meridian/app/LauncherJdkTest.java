package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's commands find a JDK 21+ by themselves on a machine whose JAVA_HOME is unset or older (the default java
 * here is 17): ./mvnw stopped at once with "set JAVA_HOME" while ./meridian found the newer JDK.
 */
class LauncherJdkTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    private static String mavenVersion(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "./mvnw", "-v").directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void mvnwFindsAJdk21WithoutJavaHome() throws Exception {
        String output = mavenVersion(Map.of());
        assertThat(output).as(output).containsPattern("Java version: (2[1-9]|[3-9][0-9])");
    }

    @Test
    void mvnwPassesOverAnOlderJavaHome() throws Exception {
        Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        String output = mavenVersion(Files.isDirectory(old) ? Map.of("JAVA_HOME", old.toString()) : Map.of("JAVA_HOME", "/nonexistent"));
        assertThat(output).as(output).containsPattern("Java version: (2[1-9]|[3-9][0-9])").contains("Using the JDK in");
    }
}
