package org.meridian.identity;

import java.time.Duration;
import java.util.List;
import org.meridian.identity.http.AuthRoutes;
import org.meridian.identity.http.BearerCallers;
import org.meridian.identity.store.AccountStore;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Environment;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;

/**
 * Accounts and sign-in as a capability: its tables, {@code /auth/token} and {@code /auth/me}, and the source that tells
 * the HTTP edge who calls (from a bearer token).
 */
public final class IdentityCapability implements Capability {
    public static final String NAME = "identity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/identity");
    }

    @Override
    public List<String> problems(Environment environment) {
        return IdentitySettings.from(environment).problems();
    }

    @Override
    public Running start(Platform platform) {
        IdentitySettings settings = IdentitySettings.from(platform.environment());
        AccountStore accounts = new AccountStore();
        byte[] key = platform.transactions().inTransaction(accounts::signingKey);
        IdentityService identity = new IdentityService(platform.transactions(), accounts, new PasswordHasher(),
                new AccessTokens(key, Duration.ofMinutes(settings.tokenMinutes()), platform.clock()),
                new LoginThrottle(platform.clock()));
        identity.ensureAdmin(settings.adminPassword()).ifPresent(password -> {
            // Shown once, on the console only (never in the log): the operator writes it down or sets their own.
            System.out.println();
            System.out.println("The operator account was created:  user " + IdentityService.ADMIN + "  password " + password);
            System.out.println("(shown only now; set " + IdentitySettings.ADMIN_PASSWORD + " before the first start to choose it)");
            System.out.println();
        });
        platform.services().provide(IdentityService.class, identity);
        platform.services().provide(Callers.Source.class, new BearerCallers(identity));
        AuthRoutes routes = new AuthRoutes(identity);
        return new Running() {
            @Override
            public List<Routes> routes() {
                return List.of(routes);
            }
        };
    }
}
