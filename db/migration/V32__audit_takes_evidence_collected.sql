-- An audit ticket must not say "Artifacts: none collected" while the run's evidence is being
-- collected. The audit consumer also takes evidence_collected: each one updates the artifacts of the tickets of
-- its run already written (a ticket written after the collection reads them at once).
UPDATE phase4_event_consumers
   SET event_types = array_append(event_types, 'evidence_collected')
 WHERE consumer = 'audit' AND NOT ('evidence_collected' = ANY (event_types));
