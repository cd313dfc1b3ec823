package org.meridian.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.meridian.platform.capability.Capability;

/**
 * The rooms and their doors (docs/architecture.md): a shared platform that knows no capability; capabilities (broker,
 * ingest, and those to come) each with their services at the root of their package, their tables in {@code store},
 * their routes in {@code http}; one capability talks to another only through its services, never its store or routes;
 * services know nothing of HTTP or their transports; the demo city uses only the public interfaces.
 */
class ServerArchitectureTest {
    private static final String[] CAPABILITIES = {"org.meridian.broker..", "org.meridian.ingest..", "org.meridian.identity..",
            "org.meridian.sharing..", "org.meridian.cases..", "org.meridian.sim.."};
    /** Capabilities with tables and routes of their own: add a new one here, and nowhere else in this test. */
    private static final String[] ROOMS = {"broker", "ingest", "identity", "sharing", "cases"};

    /** A capability's Capability class (and the classes inside it): the one place that puts its room together. */
    private static final DescribedPredicate<JavaClass> WIRING = DescribedPredicate.describe("a capability's wiring",
            type -> type.isAssignableTo(Capability.class)
                    || type.getEnclosingClass().map(outer -> outer.isAssignableTo(Capability.class)).orElse(false));

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

    /** Nothing outside a capability touches its tables: not another capability, not the platform, not the wiring. */
    @Test
    void aCapabilitysStoreIsItsOwn() {
        for (String room : ROOMS) {
            noClasses().that().resideOutsideOfPackage("org.meridian." + room + "..")
                    .should().dependOnClassesThat().resideInAPackage("org.meridian." + room + ".store..")
                    .check(server);
        }
    }

    /** The wiring of a capability (its Capability class) is the one class at its root that may know its routes. */
    @Test
    void servicesAndStoresKnowNothingOfHttp() {
        noClasses().that().resideInAnyPackage("org.meridian.broker", "org.meridian.broker.store..", "org.meridian.ingest",
                        "org.meridian.ingest.store..", "org.meridian.identity", "org.meridian.identity.store..",
                        "org.meridian.platform.db..", "org.meridian.platform.bus..")
                .and(not(WIRING))
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
                .and(not(WIRING))
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
