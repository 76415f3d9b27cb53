import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('update-or-delete-without-where');
