package org.meridian.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core is plain Java: no framework, no database, no network, no files. */
class CoreArchitectureTest {
    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.meridian.core");

    @Test
    void coreImportsNoFrameworkAndDoesNoInputOutput() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.javalin..", "org.eclipse.jetty..", "java.sql..", "javax.sql..", "org.postgresql..",
                        "com.zaxxer..", "org.flywaydb..", "io.zonky..", "java.net.http..", "java.nio.file..",
                        "java.io..File*", "org.slf4j..", "io.micrometer..", "picocli..")
                .because("the core holds the model and the rules; adapters at the edge do the I/O (DESIGN.md)")
                .check(core);
    }

    @Test
    void coreDoesNotReachIntoTheServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.meridian.app..", "org.meridian.http..", "org.meridian.broker..", "org.meridian.store..")
                .check(core);
    }
}
