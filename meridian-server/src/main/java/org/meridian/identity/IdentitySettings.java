package org.meridian.identity;

import java.util.ArrayList;
import java.util.List;
import org.meridian.platform.capability.Environment;

/**
 * Accounts' settings.
 *
 * @param adminPassword the password the operator account {@code admin} is created with (first start only); null: one
 *                      is generated and printed once
 * @param tokenMinutes how long an access token is valid
 * @param refreshHours how long a sign-in lasts without a new password (its refresh tokens' lifetime)
 * @param authenticate false: no caller needs to sign in and every caller may do everything (conformance suites and
 *                     benchmarks; refused unless the node listens on loopback only)
 */
public record IdentitySettings(String adminPassword, int tokenMinutes, int refreshHours, boolean authenticate) {
    public static final String ADMIN_PASSWORD = "MERIDIAN_ADMIN_PASSWORD";
    public static final String TOKEN_MINUTES = "MERIDIAN_TOKEN_MINUTES";
    public static final String REFRESH_HOURS = "MERIDIAN_REFRESH_HOURS";
    public static final String AUTH = "MERIDIAN_AUTH";

    public static IdentitySettings from(Environment environment) {
        return new IdentitySettings(environment.text(ADMIN_PASSWORD, null), environment.integer(TOKEN_MINUTES, 15),
                environment.integer(REFRESH_HOURS, 12), !"off".equals(environment.text(AUTH, "on")));
    }

    public List<String> problems(Environment environment) {
        List<String> problems = new ArrayList<>();
        String auth = environment.text(AUTH, "on");
        if (!auth.equals("on") && !auth.equals("off")) {
            problems.add(AUTH + " must be on or off, not '" + auth + "'");
        }
        if (refreshHours < 1 || refreshHours > 24 * 90) {
            problems.add(REFRESH_HOURS + " must be 1..2160, not " + refreshHours);
        }
        if (adminPassword != null && adminPassword.length() < 12) {
            problems.add(ADMIN_PASSWORD + " must be at least 12 characters");
        }
        if (tokenMinutes < 1 || tokenMinutes > 24 * 60) {
            problems.add(TOKEN_MINUTES + " must be 1..1440, not " + tokenMinutes);
        }
        return problems;
    }

    @Override
    public String toString() {
        return "IdentitySettings[adminPassword=" + (adminPassword == null ? "generated" : "set") + ", tokenMinutes="
                + tokenMinutes + ", refreshHours=" + refreshHours + ", authenticate=" + authenticate + "]";
    }
}
