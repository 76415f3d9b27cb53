import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('changing-column-type');
