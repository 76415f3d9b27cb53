import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('up-without-down');
