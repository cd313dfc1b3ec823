package org.meridian.app;

import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.Administration;
import org.meridian.identity.IdentityError;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Sharing;

/**
 * The demo city's departments, people and data governance (README, "Demo accounts"), made through the administration
 * and sharing services as an operator would make them: the departments of a Chinese city's smart-city programme, an administrator for each, a
 * dispatcher, a grid inspector and an auditor, all with the documented demo password; and the simulator's own
 * machine client, whose API key changes at every start. For demonstrations only: a real city creates its own.
 */
public final class DemoDirectory {
    /** The password of every demo account (documented; the demo listens on loopback by default). */
    public static final String PASSWORD = "meridian-demo";
    static final String SIMULATOR = "demo-city-simulator";

    /** A department of the demo city. */
    public record Department(String id, String name) {
    }

    /** A demo account and what it is. */
    public record Account(String username, String displayName, String department, Role role) {
    }

    public static final List<Department> DEPARTMENTS = List.of(
            new Department("ecology", "Ecology and Environment Bureau 生态环境局"),
            new Department("transport", "Transport Bureau 交通运输局"),
            new Department("water", "Water Authority 水务局"),
            new Department("urban-management", "Urban Management Bureau 城市管理局"),
            new Department("emergency", "Emergency Management Bureau 应急管理局"),
            new Department("big-data", "Big Data Bureau 大数据局"));

    public static final List<Account> ACCOUNTS = List.of(
            new Account("ecology", "Ecology administrator", "ecology", Role.DEPARTMENT_ADMIN),
            new Account("transport", "Transport administrator", "transport", Role.DEPARTMENT_ADMIN),
            new Account("water", "Water administrator", "water", Role.DEPARTMENT_ADMIN),
            new Account("urban", "Urban management administrator", "urban-management", Role.DEPARTMENT_ADMIN),
            new Account("emergency", "Emergency administrator", "emergency", Role.DEPARTMENT_ADMIN),
            new Account("bigdata", "Big data bureau administrator", "big-data", Role.DEPARTMENT_ADMIN),
            new Account("dispatcher", "City dispatcher 指挥中心", "", Role.DISPATCHER),
            new Account("inspector", "Grid inspector 网格员", "urban-management", Role.GRID_INSPECTOR),
            new Account("auditor", "Data auditor", "", Role.AUDITOR));

    /** A dataset of the demo city and the department that owns it. */
    public record DemoDataset(String type, String owner, String title, String updateFrequency, boolean published) {
    }

    /** A standing agreement: the grantee reads the owner's dataset (these attributes, or all). */
    public record Agreement(String type, String grantee, List<String> attributes, String reason) {
    }

    private static final String VOCABULARY = "https://uri.etsi.org/ngsi-ld/default-context/";

    public static final List<DemoDataset> DATASETS = List.of(
            new DemoDataset("AirQualityObserved", "ecology", "Air quality stations 空气质量监测", "every 30 s", true),
            new DemoDataset("NoiseLevelObserved", "ecology", "Noise monitors 噪声监测", "every 30 s", false),
            new DemoDataset("WeatherObserved", "emergency", "Weather stations 气象站", "every 30 s", true),
            new DemoDataset("TrafficFlowObserved", "transport", "Traffic flow detectors 交通流量", "every 30 s", false),
            new DemoDataset("OffStreetParking", "transport", "Car parks 停车场", "every 30 s", true),
            new DemoDataset("FloodMonitoring", "water", "River and underpass water levels 水位监测", "every 30 s", false),
            new DemoDataset("Streetlight", "urban-management", "Street lights 路灯", "every 30 s", false),
            new DemoDataset("WasteContainer", "urban-management", "Waste containers 垃圾桶", "every 30 s", false),
            new DemoDataset("District", "big-data", "Districts 行政区", "when boundaries change", true),
            new DemoDataset("Road", "big-data", "Main roads 主干道", "when roads change", true),
            new DemoDataset("RoadSegment", "emergency", "Road closures in emergencies 应急封路", "when a road closes or reopens", true),
            new DemoDataset("Hospital", "big-data", "Hospitals (imported registry) 医院", "monthly", false));

    public static final List<Agreement> AGREEMENTS = List.of(
            new Agreement("WeatherObserved", "water", null, "flood forecasting"),
            new Agreement("WeatherObserved", "transport", List.of("precipitation", "temperature", "windSpeed", "location"),
                    "road conditions in rain and wind"),
            new Agreement("WeatherObserved", "ecology", null, "air quality and weather"),
            new Agreement("FloodMonitoring", "emergency", null, "flood response"),
            new Agreement("FloodMonitoring", "transport", List.of("floodLevelStatus", "location"), "closing flooded underpasses"),
            new Agreement("FloodMonitoring", "ecology", List.of("currentLevel", "floodLevelStatus", "location"), "river quality"),
            new Agreement("TrafficFlowObserved", "emergency", List.of("intensity", "averageVehicleSpeed", "congested", "location"),
                    "routing emergency vehicles"),
            new Agreement("AirQualityObserved", "big-data", null, "city dashboard"),
            new Agreement("TrafficFlowObserved", "big-data", null, "city dashboard"),
            new Agreement("FloodMonitoring", "big-data", null, "city dashboard"),
            new Agreement("WeatherObserved", "big-data", null, "city dashboard"));

    private DemoDirectory() {
    }

    /** An attribute's IRI as the demo city's entities have it: location is the core context's, the rest the default's. */
    private static String attribute(String name) {
        return name.equals("location") ? NgsiLd.LOCATION : VOCABULARY + name;
    }

    /**
     * Creates what is missing (a restart keeps what exists): departments, accounts, the datasets' owners and the
     * standing agreements; returns the simulator's new API key.
     */
    public static String create(Administration administration, Sharing sharing) {
        Caller platform = Caller.system("", "demo");
        people(administration);
        boolean first = sharing.datasets(platform).isEmpty();
        for (DemoDataset dataset : DATASETS) {
            sharing.putDataset(platform, new Dataset("", VOCABULARY + dataset.type(), dataset.owner(), dataset.title(), "",
                    dataset.updateFrequency(), dataset.published(), java.util.Set.of(), null,
                    // The city publishes air quality as hourly means, as China's national air quality release does.
                    dataset.type().equals("AirQualityObserved")));
        }
        if (first) {
            java.time.Instant until = java.time.Instant.now().plus(java.time.Duration.ofDays(365));
            for (Agreement agreement : AGREEMENTS) {
                sharing.grant(platform, VOCABULARY + agreement.type(), agreement.grantee(), agreement.attributes() == null ? null
                        : agreement.attributes().stream().map(DemoDirectory::attribute).collect(java.util.stream.Collectors.toSet()),
                        null, until, agreement.reason());
            }
        }
        try {
            // Of no department: the city's own integration, provisioning every department's devices.
            return administration.createClient(platform, SIMULATOR, "", Role.SYSTEM.id(),
                    "The demo city's simulator: provisions its devices and places").apiKey();
        } catch (MeridianException e) {
            if (e.code() != IdentityError.ALREADY_EXISTS) {
                throw e;
            }
            return administration.replaceSecret(platform, SIMULATOR).apiKey();
        }
    }

    /** The demo's departments and the accounts of their people (made once). */
    public static void people(Administration administration) {
        Caller platform = Caller.system("", "demo");
        for (Department department : DEPARTMENTS) {
            administration.putDepartment(platform, department.id(), department.name());
        }
        for (Account account : ACCOUNTS) {
            try {
                administration.createUser(platform, account.username(),
                        new Administration.UserChange(account.displayName(), PASSWORD, null),
                        List.of(new RoleGrant("", account.department(), account.role().id())));
            } catch (MeridianException e) {
                if (e.code() != IdentityError.ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
    }
}
