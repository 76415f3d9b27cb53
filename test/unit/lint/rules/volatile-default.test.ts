import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('volatile-default');
