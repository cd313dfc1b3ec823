package org.meridian.app;

import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.Administration;
import org.meridian.identity.IdentityError;

/**
 * The demo city's departments and people (README, "Demo accounts"), made through the administration service as an
 * operator would make them: the departments of a Chinese city's smart-city programme, an administrator for each, a
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

    private DemoDirectory() {
    }

    /** Creates what is missing (a restart keeps what exists) and returns the simulator's new API key. */
    public static String create(Administration administration) {
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
        try {
            return administration.createClient(platform, SIMULATOR, "big-data", Role.SYSTEM.id(),
                    "The demo city's simulator: provisions its devices and places").apiKey();
        } catch (MeridianException e) {
            if (e.code() != IdentityError.ALREADY_EXISTS) {
                throw e;
            }
            return administration.replaceSecret(platform, SIMULATOR).apiKey();
        }
    }
}
