package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every setting of every capability is in README.md's table: settings now live with their capability (BrokerSettings,
 * IngestSettings…), so this finds them all, wherever they are, rather than trusting a list.
 */
class SettingsDocumentedTest {

    @Test
    void everySettingIsInTheReadme() throws IOException, IllegalAccessException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> keys = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.meridian")) {
            if (!type.getSimpleName().endsWith("Settings")) {
                continue;
            }
            for (Field field : type.reflect().getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    field.setAccessible(true);
                    if (field.get(null) instanceof String key && key.startsWith("MERIDIAN_")) {
                        keys.add(key);
                    }
                }
            }
        }
        assertThat(keys).as("settings found").hasSizeGreaterThan(30);
        List<String> missing = keys.stream().filter(key -> !readme.contains("`" + key + "`")).toList();
        assertThat(missing).as("settings not in README.md's table").isEmpty();
    }
}
