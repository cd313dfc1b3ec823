package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every string of the pages is translated: the same keys in both languages, and every key the templates name exists. */
class MessagesTest {
    private static final Pattern KEY = Pattern.compile("\\bt(?:\\(\\))?\\.get\\(\"([a-zA-Z0-9.-]+)\"\\s*[,)]");

    @Test
    void bothLanguagesHaveEveryKeyAndNoEmptyText() {
        Set<String> chinese = Messages.of(Language.ZH).keys();
        Set<String> english = Messages.of(Language.EN).keys();
        assertThat(chinese).hasSizeGreaterThan(150).containsExactlyInAnyOrderElementsOf(english);
        for (Language language : Language.values()) {
            for (String key : Messages.of(language).keys()) {
                assertThat(Messages.of(language).get(key)).as("%s in %s", key, language).isNotBlank();
            }
        }
    }

    @Test
    void everyKeyTheTemplatesAndRoutesNameExists() throws Exception {
        Set<String> named = new TreeSet<>();
        for (Path root : new Path[] {Path.of("src/main/jte"), Path.of("src/main/java/org/meridian/web")}) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Matcher matcher = KEY.matcher(Files.readString(file));
                    while (matcher.find()) {
                        named.add(matcher.group(1));
                    }
                }
            }
        }
        assertThat(named).hasSizeGreaterThan(80);
        assertThat(Messages.of(Language.ZH).keys()).containsAll(named);
    }

    @Test
    void theBrowsersLanguageIsReadByItsWeights() {
        assertThat(Language.negotiate(null)).isEqualTo(Language.ZH);
        assertThat(Language.negotiate("en-US,en;q=0.9")).isEqualTo(Language.EN);
        assertThat(Language.negotiate("en;q=0.4, zh-TW;q=0.8")).isEqualTo(Language.ZH);
        assertThat(Language.negotiate("fr-FR, de;q=0.9")).isEqualTo(Language.ZH);
        assertThat(Language.negotiate("en;q=abc, zh;q=0.1")).isEqualTo(Language.ZH);
        assertThat(Language.negotiate("x".repeat(600))).isEqualTo(Language.ZH);
    }

    @Test
    void aPersonIsShownByName_aCitizenWithoutAnAccountAsACitizen() {
        Messages english = Messages.of(Language.EN);
        assertThat(english.actor("account:dispatcher")).isEqualTo("dispatcher");
        assertThat(english.actor("citizen:aKYz9C7O8KYFY")).isEqualTo("Citizen");
        assertThat(english.actor("system:rules")).isEqualTo("System");
    }
}
