package org.meridian.identity;

import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.store.AccountStore;
import org.meridian.platform.db.Transactions;

/**
 * Accounts and sign-in: the first operator account, password sign-in for access tokens, and who a token's bearer is.
 * What an account may do is read from the database on every use of its token, so disabling it or removing a role
 * takes effect at once, on every node.
 */
public final class IdentityService {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";

    /** A signed-in account, as {@code GET /auth/me} shows it. */
    public record Me(String username, String tenant, Set<String> departments, Set<String> roles, List<RoleGrant> grants) {
    }

    /** An access token and how long it lasts. */
    public record Token(String accessToken, long expiresInSeconds) {
    }

    private final Transactions transactions;
    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final AccessTokens tokens;
    private final LoginThrottle throttle;

    IdentityService(Transactions transactions, AccountStore accounts, PasswordHasher hasher, AccessTokens tokens,
                    LoginThrottle throttle) {
        this.transactions = transactions;
        this.accounts = accounts;
        this.hasher = hasher;
        this.tokens = tokens;
        this.throttle = throttle;
    }

    /**
     * Creates the operator account {@code admin} if there is none: with the given password, or a generated one, which
     * is returned so that it can be shown once. Returns empty when the account existed or the password was given.
     */
    Optional<String> ensureAdmin(String password) {
        String chosen = password != null ? password : generatedPassword();
        String hash = hasher.hash(chosen);
        boolean created = transactions.inTransaction(connection -> {
            UUID id = UUID.randomUUID();
            if (!accounts.create(connection, id, ADMIN, hash)) {
                return false;
            }
            accounts.grant(connection, id, new RoleGrant(RoleGrant.EVERY_TENANT, "", OPERATOR));
            return true;
        });
        return created && password == null ? Optional.of(chosen) : Optional.empty();
    }

    private static String generatedPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Signs a person in with their password (OAuth 2.0 password grant). */
    public Token signIn(String username, String password, String address) {
        if (username == null || password == null || username.isEmpty() || username.length() > 128 || password.length() > 1024) {
            throw new MeridianException(IdentityError.INVALID_GRANT, "A user name and a password are needed");
        }
        if (!throttle.allowed(username, address)) {
            throw new MeridianException(IdentityError.TOO_MANY_ATTEMPTS, "Too many failed sign-ins; try again in "
                    + LoginThrottle.WINDOW.toMinutes() + " minutes");
        }
        Optional<AccountStore.StoredAccount> account = transactions.readOnly(connection -> accounts.byUsername(connection, username));
        // A missing account costs a hash too, so its absence does not show in the time taken.
        boolean matches = hasher.matches(password, account.map(AccountStore.StoredAccount::passwordHash).orElse(DUMMY_HASH));
        if (account.isEmpty() || !matches || account.get().disabled()) {
            throttle.failed(username, address);
            throw new MeridianException(IdentityError.INVALID_GRANT, "The user name or the password is wrong");
        }
        throttle.succeeded(username);
        return new Token(tokens.issue(account.get().id(), username), tokens.lifetime().toSeconds());
    }

    private static final String DUMMY_HASH = new PasswordHasher().hash("no such account");

    /** Who bears the token, acting in the tenant; refused when the token is not valid or its account is disabled. */
    public Caller caller(String token, String tenant) {
        UUID accountId = tokens.verify(token)
                .orElseThrow(() -> new MeridianException(IdentityError.INVALID_TOKEN, "The access token is not valid (malformed, forged or expired)"));
        return transactions.readOnly(connection -> {
            AccountStore.StoredAccount account = accounts.byId(connection, accountId)
                    .filter(found -> !found.disabled())
                    .orElseThrow(() -> new MeridianException(IdentityError.INVALID_TOKEN, "The account is disabled or gone"));
            Set<String> departments = new LinkedHashSet<>();
            Set<String> roles = new LinkedHashSet<>();
            for (RoleGrant grant : accounts.roles(connection, account.id())) {
                if (grant.appliesTo(tenant)) {
                    roles.add(grant.role());
                    if (!grant.department().isEmpty()) {
                        departments.add(grant.department());
                    }
                }
            }
            return new Caller(tenant, "account:" + account.username(), departments, roles);
        });
    }

    /** The signed-in caller's account and roles. */
    public Me me(Caller caller) {
        if (!caller.subject().startsWith("account:")) {
            throw new MeridianException(IdentityError.INVALID_TOKEN, "Sign in first: POST /auth/token, then send Authorization: Bearer <token>");
        }
        String username = caller.subject().substring("account:".length());
        List<RoleGrant> grants = transactions.readOnly(connection -> {
            Optional<AccountStore.StoredAccount> account = accounts.byUsername(connection, username);
            return account.isEmpty() ? List.<RoleGrant>of() : accounts.roles(connection, account.get().id());
        });
        return new Me(username, caller.tenant(), caller.departments(), caller.roles(), grants);
    }
}
