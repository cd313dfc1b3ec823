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
 */
public record IdentitySettings(String adminPassword, int tokenMinutes) {
    public static final String ADMIN_PASSWORD = "MERIDIAN_ADMIN_PASSWORD";
    public static final String TOKEN_MINUTES = "MERIDIAN_TOKEN_MINUTES";

    public static IdentitySettings from(Environment environment) {
        return new IdentitySettings(environment.text(ADMIN_PASSWORD, null), environment.integer(TOKEN_MINUTES, 15));
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
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
        return "IdentitySettings[adminPassword=" + (adminPassword == null ? "generated" : "set") + ", tokenMinutes=" + tokenMinutes + "]";
    }
}
