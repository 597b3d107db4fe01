package dev.selfheal.rollback;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code selfheal.rollback.*}. {@code mode}: {@code dry-run} (default) plans every step, records, notifies and
 * reports it, and changes nothing; {@code act} makes the calls. {@code removableSecrets}: the only secret names a
 * rollback may delete from a repository (empty by default: secrets are never touched).
 */
@Validated
@ConfigurationProperties("selfheal.rollback")
public record RollbackProperties(
        @NotNull @Pattern(regexp = "dry-run|act", message = "must be dry-run or act") String mode,
        @NotNull List<@Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*",
                message = "must be a GitHub secret name (letters, digits, underscore)") String> removableSecrets) {

    public RollbackProperties(@DefaultValue("dry-run") String mode, @DefaultValue List<String> removableSecrets) {
        this.mode = mode;
        this.removableSecrets = removableSecrets == null ? List.of() : List.copyOf(removableSecrets);
    }

    public boolean acting() {
        return "act".equals(mode);
    }
}
