package dev.selfheal.killswitch;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * A service that starts while the switch is engaged starts with actions stopped: the gate is closed from the
 * first exchange (the state is read from the database before any route runs), and once Camel has started the
 * engage's effects are applied again (the target routes autoStartup started are stopped, their triggers paused)
 * and verified again.
 */
@Component
public class KillSwitchRestart implements CamelContextConfiguration {

    private final KillSwitch killSwitch;
    private final ProducerTemplate producer;

    public KillSwitchRestart(KillSwitch killSwitch, ProducerTemplate producer) {
        this.killSwitch = killSwitch;
        this.producer = producer;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing before the routes exist
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        KillSwitchState s = killSwitch.state();
        if (s.engaged()) {
            killSwitch.unverified(s.id());
            producer.sendBodyAndHeader("seda:killswitch-engaged", killSwitch.state(), "killswitchRestart", true);
        }
    }
}
