package dev.hamal.app;

import java.util.Optional;

/**
 * The roles that read {@code hamal.yaml}, each owning the section of its name ({@code listener},
 * {@code processor}, {@code gateway}). A role validates its own section and the shared ones ({@link
 * SharedSettings}) strictly, and reads the others' {@link SettingsReader#leniently leniently}:
 * their keys are known, so only keys no role knows are refused.
 */
enum Role {
  LISTENER,
  PROCESSOR,
  GATEWAY;

  /** Reads this role's own section (lenient or strict, as the reader is now). */
  void readSection(SettingsReader r) {
    switch (this) {
      case LISTENER -> ListenerSettings.readSection(r, "instance");
      case PROCESSOR -> ProcessorSettings.readSection(r);
      case GATEWAY -> GatewaySettings.readSection(r);
    }
  }

  /** Reads the section of every role but {@code self} leniently. */
  static void readSections(SettingsReader r, Optional<Role> self) {
    for (Role role : values()) {
      if (self.filter(role::equals).isEmpty()) {
        r.leniently(() -> role.readSection(r));
      }
    }
  }
}
