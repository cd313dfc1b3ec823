package org.meridian.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The rooms and their doors (docs/architecture.md): a shared platform that knows no capability; capabilities (broker,
 * ingest, and those to come) each with their services at the root of their package, their tables in {@code store},
 * their routes in {@code http}; one capability talks to another only through its services, never its store or routes;
 * services know nothing of HTTP or their transports; the demo city uses only the public interfaces.
 */
class ServerArchitectureTest {
    private static final String[] CAPABILITIES = {"org.meridian.broker..", "org.meridian.ingest..", "org.meridian.sim.."};

    private final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.meridian");

    @Test
    void thePlatformKnowsNoCapability() {
        noClasses().that().resideInAPackage("org.meridian.platform..")
                .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
                .orShould().dependOnClassesThat().resideInAPackage("org.meridian.app..")
                .check(server);
    }

    @Test
    void aCapabilityUsesAnothersServicesOnlyNeverItsStoreOrRoutes() {
        noClasses().that().resideInAPackage("org.meridian.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.broker.store..", "org.meridian.broker.http..",
                        "org.meridian.broker.delivery..")
                .check(server);
        noClasses().that().resideInAPackage("org.meridian.broker..")
                .should().dependOnClassesThat().resideInAPackage("org.meridian.ingest..")
                .check(server);
    }

    @Test
    void servicesAndStoresKnowNothingOfHttp() {
        noClasses().that().resideInAnyPackage("org.meridian.broker", "org.meridian.broker.store..", "org.meridian.ingest",
                        "org.meridian.ingest.store..", "org.meridian.platform.db..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.platform.http..", "org.meridian.broker.http..",
                        "org.meridian.ingest.http..", "io.javalin..", "org.eclipse.jetty..")
                .check(server);
    }

    @Test
    void storesKnowNothingOfTheServicesAboveThem() {
        noClasses().that().resideInAPackage("org.meridian.broker.store..")
                .should().dependOnClassesThat().resideInAPackage("org.meridian.broker")
                .check(server);
        noClasses().that().resideInAPackage("org.meridian.ingest.store..")
                .should().dependOnClassesThat().resideInAPackage("org.meridian.ingest")
                .check(server);
    }

    @Test
    void routesDoNotDependOnTheApplicationWiringOrJdbc() {
        noClasses().that().resideInAPackage("..http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.app..", "java.sql..")
                .check(server);
    }

    /** Routes speak to services; what services answer with are core records, never a store's own types. */
    @Test
    void routesNeverImportAStore() {
        noClasses().that().resideInAPackage("..http..")
                .should().dependOnClassesThat().resideInAPackage("..store..")
                .check(server);
    }

    @Test
    void ingestDoesNotDependOnItsTransports() {
        noClasses().that().resideInAnyPackage("org.meridian.ingest", "org.meridian.ingest.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.ingest.http..", "org.meridian.ingest.mqtt..",
                        "io.javalin..", "io.vertx..", "org.eclipse.paho..")
                .check(server);
    }

    /** The demo city is a client of the platform, like a real city's systems: HTTP and MQTT only. */
    @Test
    void theDemoCityUsesOnlyPublicInterfaces() {
        noClasses().that().resideInAPackage("org.meridian.sim..")
                .should().dependOnClassesThat().resideInAnyPackage("org.meridian.broker..", "org.meridian.ingest..",
                        "org.meridian.platform..", "org.meridian.app..")
                .check(server);
    }
}
