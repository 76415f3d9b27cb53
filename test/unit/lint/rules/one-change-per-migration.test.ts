import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('one-change-per-migration');
