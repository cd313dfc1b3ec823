package org.meridian.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point inward: app → http → broker → store → core (DESIGN.md, code layout). */
class ServerArchitectureTest {
    private final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.meridian");

    @Test
    void storeKnowsNothingOfTheLayersAboveIt() {
        noClasses().that().resideInAPackage("org.meridian.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.broker..", "org.meridian.http..",
                        "org.meridian.app..", "io.javalin..")
                .check(server);
    }

    @Test
    void capabilitiesDoNotDependOnTheHttpEdge() {
        noClasses().that().resideInAPackage("org.meridian.broker..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.http..", "org.meridian.app..", "io.javalin..")
                .check(server);
    }

    @Test
    void httpDoesNotDependOnTheApplicationWiring() {
        noClasses().that().resideInAPackage("org.meridian.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.app..", "java.sql..")
                .check(server);
    }

    @Test
    void ingestDoesNotDependOnItsTransports() {
        noClasses().that().resideInAPackage("org.meridian.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.http..", "org.meridian.app..",
                        "org.meridian.mqtt..", "io.javalin..", "io.vertx..", "org.eclipse.paho..")
                .check(server);
    }

    /** The demo city is a client of the platform, like a real city's systems: HTTP and MQTT only. */
    @Test
    void theDemoCityUsesOnlyPublicInterfaces() {
        noClasses().that().resideInAPackage("org.meridian.sim..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.broker..", "org.meridian.store..",
                        "org.meridian.ingest..", "org.meridian.http..", "org.meridian.mqtt..", "org.meridian.app..")
                .check(server);
    }
}
