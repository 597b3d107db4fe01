package dev.selfheal.kpi;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True in the management server's child context (it has a parent), false in the main one. */
class ManagementChildContext implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return context.getBeanFactory() != null && context.getBeanFactory().getParentBeanFactory() != null;
    }
}
