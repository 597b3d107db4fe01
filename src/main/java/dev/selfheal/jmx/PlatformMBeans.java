package dev.selfheal.jmx;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Selfheal's own MBeans (kill switch, operating mode, rollback engine) on the platform MBean server, where Hawtio
 * and Jolokia look and jolokia-access.xml names them. Registering replaces a bean left by a context closed without
 * its destroy (tests start several contexts in one JVM).
 */
public final class PlatformMBeans {

    private PlatformMBeans() {
    }

    public static ObjectName register(Object bean, String objectName) throws JMException {
        ObjectName name = new ObjectName(objectName);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(bean, name);
        return name;
    }

    public static void unregister(String objectName) throws JMException {
        ObjectName name = new ObjectName(objectName);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }
}
